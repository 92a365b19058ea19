/* atlas-basemap-renderer.c — draws the base map with cairo
 *
 * Thread safety: the renderer is shared by the tile workers. The base map is
 * immutable; the label placement of each integer zoom is computed once,
 * under a lock, for the whole region, so that a label near a tile edge is
 * placed identically in both tiles and never cut.
 */



#include "atlas-basemap-renderer.h"
#include "atlas-paint.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "model/atlas-views.h"

#define N_ZOOMS (ATLAS_MAX_ZOOM + 1)

struct _AtlasBasemapRenderer
{
  AtlasPainter     parent;
  AtlasBasemap    *basemap;
  GMutex           lock;
  GArray          *placements[N_ZOOMS];   /* AtlasPlacedLabel, per zoom */
  gboolean         no_labels;             /* an overlay painter draws them */
};

/* Colours of the base map: muted, so that the plan's overlays stand out. */
static const AtlasRgba sea_colour = { 0.784, 0.851, 0.894, 1 };
static const AtlasRgba land_colour = { 0.925, 0.918, 0.898, 1 };
static const AtlasRgba focus_colour = { 0.980, 0.969, 0.945, 1 };
static const AtlasRgba lake_colour = { 0.725, 0.816, 0.875, 1 };
static const AtlasRgba lake_edge_colour = { 0.580, 0.698, 0.784, 1 };
static const AtlasRgba river_colour = { 0.545, 0.690, 0.800, 1 };
static const AtlasRgba coast_colour = { 0.565, 0.678, 0.765, 1 };
static const AtlasRgba province_casing = { 0.890, 0.859, 0.890, 1 };
static const AtlasRgba province_line = { 0.545, 0.486, 0.565, 1 };
static const AtlasRgba prefecture_line = { 0.620, 0.576, 0.635, 1 };
static const AtlasRgba county_line = { 0.765, 0.737, 0.765, 1 };

/* Path building */

static void
fill_layer (cairo_t              *cr,
            const AtlasGeomLayer *layer,
            const AtlasViewport  *vp,
            const AtlasPathClip  *clip,
            gboolean              per_feature,
            const AtlasRgba      *colour,
            guint16               only_kind)
{
  atlas_rgba_set (cr, colour);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);

  for (guint i = 0; i < layer->n_features; i++)
    {
      const AtlasFeature *f = &layer->features[i];

      if ((only_kind != 0 && f->kind != only_kind) || !atlas_rect_intersects (&f->bbox, &clip->world))
        continue;

      atlas_path_add_feature (cr, layer, f, vp, clip, TRUE);
      if (per_feature)
        cairo_fill (cr);
    }

  if (!per_feature)
    cairo_fill (cr);
}

static void
stroke_lines (cairo_t              *cr,
              const AtlasGeomLayer *layer,
              const AtlasViewport  *vp,
              const AtlasPathClip  *clip,
              guint16               kind_min,
              guint16               kind_max)
{
  gboolean dashed = cairo_get_dash_count (cr) > 0;

  for (guint i = 0; i < layer->n_features; i++)
    {
      const AtlasFeature *f = &layer->features[i];

      if (f->kind < kind_min || f->kind > kind_max
          || !atlas_rect_intersects (&f->bbox, &clip->world))
        continue;

      if (dashed)
        atlas_stroke_feature (cr, layer, f, clip, layer->polygons);
      else
        atlas_path_add_feature (cr, layer, f, vp, clip, layer->polygons);
    }
  if (!dashed)
    cairo_stroke (cr);
}

/* Styling by zoom */

static double
zoom_ramp (double zoom,
           double z0,
           double v0,
           double z1,
           double v1)
{
  if (zoom <= z0)
    return v0;
  if (zoom >= z1)
    return v1;
  return v0 + (v1 - v0) * (zoom - z0) / (z1 - z0);
}

static void
draw_rivers (cairo_t              *cr,
             const AtlasGeomLayer *rivers,
             const AtlasViewport  *vp,
             const AtlasPathClip  *clip)
{
  /* WDBII ranks: 1 major, 2 additional major, 3 additional, 4 minor,
   * 6 intermittent, 8 major canal, 9 minor canal. */
  static const struct { guint16 rank; double min_zoom; double w0, w1; } classes[] = {
    { 9, 10, 0.6, 1.2 }, { 6, 9, 0.6, 1.0 }, { 4, 9, 0.6, 1.2 }, { 8, 8, 0.7, 1.6 },
    { 3, 7, 0.6, 1.6 }, { 2, 6, 0.7, 2.0 }, { 1, 5, 0.9, 2.6 },
  };

  atlas_rgba_set (cr, &river_colour);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      if (vp->zoom < classes[c].min_zoom)
        continue;
      cairo_set_line_width (cr, zoom_ramp (vp->zoom, 6, classes[c].w0, 13, classes[c].w1));
      if (classes[c].rank == 6)
        cairo_set_dash (cr, (double[]) { 4, 2 }, 2, 0);
      stroke_lines (cr, rivers, vp, clip, classes[c].rank, classes[c].rank);
      cairo_set_dash (cr, NULL, 0, 0);
    }
}

static void
draw_borders (cairo_t              *cr,
              const AtlasGeomLayer *borders,
              const AtlasViewport  *vp,
              const AtlasPathClip  *clip)
{
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);

  if (vp->zoom >= 8)
    {
      atlas_rgba_set (cr, &county_line);
      cairo_set_line_width (cr, zoom_ramp (vp->zoom, 8, 0.6, 13, 1.2));
      cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
      stroke_lines (cr, borders, vp, clip, ATLAS_BORDER_COUNTY, ATLAS_BORDER_COUNTY);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (vp->zoom >= 6)
    {
      atlas_rgba_set (cr, &prefecture_line);
      cairo_set_line_width (cr, zoom_ramp (vp->zoom, 6, 0.6, 12, 1.6));
      stroke_lines (cr, borders, vp, clip, ATLAS_BORDER_PREFECTURE, ATLAS_BORDER_PREFECTURE);
    }

  atlas_rgba_set (cr, &province_casing);
  cairo_set_line_width (cr, zoom_ramp (vp->zoom, 5, 2.5, 12, 6.0));
  stroke_lines (cr, borders, vp, clip, ATLAS_BORDER_PROVINCE, ATLAS_BORDER_PROVINCE);

  atlas_rgba_set (cr, &province_line);
  cairo_set_line_width (cr, zoom_ramp (vp->zoom, 5, 1.0, 12, 2.0));
  cairo_set_dash (cr, (double[]) { 7, 2, 1.5, 2 }, 4, 0);
  stroke_lines (cr, borders, vp, clip, ATLAS_BORDER_PROVINCE, ATLAS_BORDER_PROVINCE);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* Labels */

static GArray *
get_placements (AtlasBasemapRenderer *self,
                guint                 zoom)
{
  GArray *placed;
  guint n_labels;
  const AtlasLabel *labels;

  zoom = MIN (zoom, N_ZOOMS - 1);

  g_mutex_lock (&self->lock);
  if (self->placements[zoom] == NULL)
    {
      labels = atlas_basemap_get_labels (self->basemap, &n_labels);
      self->placements[zoom] = atlas_labels_place (labels, n_labels, zoom, NULL);
    }
  placed = self->placements[zoom];
  g_mutex_unlock (&self->lock);

  return placed;
}

void
atlas_basemap_renderer_draw (AtlasBasemapRenderer *self,
                             cairo_t              *cr,
                             const AtlasViewport  *vp)
{
  guint band = atlas_basemap_band_for_zoom ((guint) floor (vp->zoom));
  AtlasBasemap *bm = self->basemap;
  AtlasPathClip clip;
  g_autoptr(GArray) own_placements = NULL;
  GArray *placements;

  atlas_path_clip_init (&clip, vp, 12.0);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, vp->width, vp->height);
  cairo_clip (cr);

  atlas_rgba_set (cr, &sea_colour);
  cairo_paint (cr);

  if (atlas_basemap_is_empty (bm))
    {
      cairo_restore (cr);
      return;
    }

  fill_layer (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_LAND, band), vp, &clip, FALSE,
              &land_colour, 0);
  fill_layer (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_PREFECTURES, band), vp, &clip, TRUE,
              &focus_colour, 0);
  fill_layer (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_LAKES, band), vp, &clip, FALSE,
              &lake_colour, 0);
  if (vp->zoom >= 8)
    {
      atlas_rgba_set (cr, &lake_edge_colour);
      cairo_set_line_width (cr, 0.7);
      stroke_lines (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_LAKES, band), vp, &clip, 0, G_MAXUINT16);
    }

  draw_rivers (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_RIVERS, band), vp, &clip);

  atlas_rgba_set (cr, &coast_colour);
  cairo_set_line_width (cr, zoom_ramp (vp->zoom, 5, 0.6, 12, 1.2));
  stroke_lines (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_COAST, band), vp, &clip, 0, G_MAXUINT16);

  draw_borders (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_BORDERS, band), vp, &clip);

  /* Tiles (integer zoom) share a cached placement for the whole region;
   * other views (exports) place their own labels. */
  if (self->no_labels)
    placements = NULL;
  else if (vp->zoom == floor (vp->zoom))
    placements = get_placements (self, (guint) vp->zoom);
  else
    {
      guint n_labels;
      const AtlasLabel *labels = atlas_basemap_get_labels (bm, &n_labels);

      placements = own_placements = atlas_labels_place (labels, n_labels, vp->zoom, &clip.world);
    }
  if (placements != NULL)
    atlas_labels_draw (cr, placements, vp);

  cairo_restore (cr);
}

void
atlas_basemap_renderer_draw_tile (AtlasBasemapRenderer *self,
                                  cairo_t              *cr,
                                  guint                 zoom,
                                  guint                 tile_x,
                                  guint                 tile_y)
{
  AtlasViewport vp;

  atlas_viewport_for_tile (&vp, zoom, tile_x, tile_y);
  atlas_basemap_renderer_draw (self, cr, &vp);
}

cairo_surface_t *
atlas_basemap_renderer_render_tile (AtlasBasemapRenderer *self,
                                    guint                 zoom,
                                    guint                 tile_x,
                                    guint                 tile_y,
                                    int                   scale)
{
  return atlas_painter_render_tile (&self->parent, zoom, tile_x, tile_y, scale);
}

static void
painter_draw (AtlasPainter        *painter,
              cairo_t             *cr,
              const AtlasViewport *vp)
{
  atlas_basemap_renderer_draw ((AtlasBasemapRenderer *) painter, cr, vp);
}

static void
painter_finalize (AtlasPainter *painter)
{
  AtlasBasemapRenderer *self = (AtlasBasemapRenderer *) painter;

  for (guint z = 0; z < N_ZOOMS; z++)
    g_clear_pointer (&self->placements[z], g_array_unref);
  g_mutex_clear (&self->lock);
  g_object_unref (self->basemap);
  g_free (self);
}

static const AtlasPainterClass basemap_painter_class = { painter_draw, painter_finalize };

AtlasBasemapRenderer *
atlas_basemap_renderer_new (AtlasBasemap *basemap)
{
  AtlasBasemapRenderer *self = g_new0 (AtlasBasemapRenderer, 1);

  atlas_painter_init (&self->parent, &basemap_painter_class, TRUE);
  self->basemap = g_object_ref (basemap);
  g_mutex_init (&self->lock);

  return self;
}

AtlasBasemapRenderer *
atlas_basemap_renderer_ref (AtlasBasemapRenderer *self)
{
  atlas_painter_ref (&self->parent);
  return self;
}

void
atlas_basemap_renderer_unref (AtlasBasemapRenderer *self)
{
  atlas_painter_unref (&self->parent);
}

/**
 * atlas_basemap_renderer_set_labels:
 *
 * Whether the base map draws its own labels; off when an overlay painter
 * places them with the features' labels (atlas_overlay_renderer_set_basemap()).
 * Call before drawing.
 */
void
atlas_basemap_renderer_set_labels (AtlasBasemapRenderer *self,
                                   gboolean              labels)
{
  self->no_labels = !labels;
}

AtlasPainter *
atlas_basemap_renderer_as_painter (AtlasBasemapRenderer *self)
{
  return &self->parent;
}

AtlasBasemap *
atlas_basemap_renderer_get_basemap (AtlasBasemapRenderer *self)
{
  return self->basemap;
}
