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
#define RELIEF_LEVELS 3      /* the hillshade at its own zoom and two halvings */

/* The hillshade as premultiplied ARGB, ready to paint over the land */
typedef struct
{
  guint8 *pixels;
  int     width, height, stride;
  double  x0, y0;            /* world coordinates of the top-left corner */
  double  pixel;             /* size of a pixel in world units */
} ReliefLevel;

struct _AtlasBasemapRenderer
{
  AtlasPainter     parent;
  AtlasBasemap    *basemap;
  GMutex           lock;
  GArray          *placements[N_ZOOMS];   /* AtlasPlacedLabel, per zoom */
  gboolean         no_labels;             /* an overlay painter draws them */

  ReliefLevel      relief[RELIEF_LEVELS];  /* empty without relief data */
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
static const AtlasRgba urban_colour = { 0.890, 0.800, 0.745, 1 };
static const AtlasRgba railway_colour = { 0.27, 0.26, 0.29, 1 };
static const AtlasRgba railway_dash_colour = { 1, 1, 1, 1 };
static const AtlasRgba station_colour = { 0.20, 0.19, 0.22, 1 };

/* Hillshade: shadows in a warm grey-brown, light in white; the strongest
 * shadow and light of the relief raster get these opacities. */
static const double relief_shadow[3] = { 0.33, 0.27, 0.21 };
static const double relief_shadow_max = 0.62;
static const double relief_light_max = 0.45;
static const double relief_gamma = 0.7;      /* < 1: gentle slopes show too */

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

/* Relief */

static void
relief_levels_init (AtlasBasemapRenderer *self)
{
  const AtlasRelief *relief = atlas_basemap_get_relief (self->basemap);
  double grid = ATLAS_TILE_SIZE * pow (2.0, relief != NULL ? relief->zoom : 0);
  double lut[256][4];    /* premultiplied a, r, g, b of each relief byte */

  if (relief == NULL)
    return;

  for (int v = 0; v < 256; v++)
    {
      double t = v < 128 ? pow ((128 - v) / 128.0, relief_gamma) * relief_shadow_max
                         : pow ((v - 128) / 127.0, relief_gamma) * relief_light_max;

      lut[v][0] = t;
      for (guint i = 0; i < 3; i++)
        lut[v][i + 1] = v < 128 ? t * relief_shadow[i] : t;
    }

  for (guint k = 0; k < RELIEF_LEVELS; k++)
    {
      ReliefLevel *lv = &self->relief[k];
      guint f = 1u << k;

      lv->width = (relief->width + f - 1) / f;
      lv->height = (relief->height + f - 1) / f;
      lv->stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, lv->width);
      lv->pixels = g_malloc0 ((gsize) lv->stride * lv->height);
      lv->x0 = relief->x0 / grid;
      lv->y0 = relief->y0 / grid;
      lv->pixel = f / grid;

      /* each pixel averages the f × f relief pixels it covers */
      for (int y = 0; y < lv->height; y++)
        for (int x = 0; x < lv->width; x++)
          {
            double c[4] = { 0, 0, 0, 0 };
            guint n = 0;
            guint32 px = 0;

            for (guint dy = 0; dy < f && y * f + dy < relief->height; dy++)
              for (guint dx = 0; dx < f && x * f + dx < relief->width; dx++)
                {
                  const double *e = lut[relief->pixels[(gsize) (y * f + dy) * relief->width + x * f + dx]];

                  for (guint i = 0; i < 4; i++)
                    c[i] += e[i];
                  n++;
                }
            for (guint i = 0; i < 4; i++)
              px = (px << 8) | (guint32) (c[i] / n * 255 + 0.5);
            ((guint32 *) (lv->pixels + (gsize) y * lv->stride))[x] = px;
          }
    }
}

/* Soft hillshade over the land colours: strongest at zooms 5-8, gone by 11. */
static void
draw_relief (AtlasBasemapRenderer *self,
             cairo_t              *cr,
             const AtlasViewport  *vp)
{
  double alpha = zoom_ramp (vp->zoom, 8, 1.0, 11, 0.0);
  double scale = ATLAS_TILE_SIZE * pow (2.0, vp->zoom);
  const ReliefLevel *lv = NULL;
  cairo_surface_t *surface;
  cairo_pattern_t *pattern;

  if (alpha <= 0 || self->relief[0].pixels == NULL)
    return;

  /* the finest level that is not shrunk on the device (shrinking aliases);
   * vector exports (PDF, SVG) get the finest, for print */
  if (cairo_surface_get_type (cairo_get_target (cr)) != CAIRO_SURFACE_TYPE_IMAGE)
    lv = &self->relief[0];
  else
    {
      double dx = 1, dy = 0;

      cairo_user_to_device_distance (cr, &dx, &dy);
      for (guint k = 0; k < RELIEF_LEVELS && lv == NULL; k++)
        if (self->relief[k].pixel * scale * hypot (dx, dy) >= 0.999 || k == RELIEF_LEVELS - 1)
          lv = &self->relief[k];
    }

  surface = cairo_image_surface_create_for_data (lv->pixels, CAIRO_FORMAT_ARGB32, lv->width,
                                                 lv->height, lv->stride);
  cairo_save (cr);
  cairo_translate (cr, (lv->x0 - vp->origin_x) * scale, (lv->y0 - vp->origin_y) * scale);
  cairo_scale (cr, lv->pixel * scale, lv->pixel * scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_NONE);
  cairo_paint_with_alpha (cr, alpha);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

/* Railways: the classic symbol, a dark line with white dashes inside. */
static void
draw_railways (cairo_t              *cr,
               const AtlasGeomLayer *railways,
               const AtlasViewport  *vp,
               const AtlasPathClip  *clip)
{
  double width = zoom_ramp (vp->zoom, 7, 2.2, 12, 3.6);
  double dash = zoom_ramp (vp->zoom, 7, 5, 12, 10);

  if (vp->zoom < 7 || railways->n_features == 0)
    return;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  atlas_rgba_set (cr, &railway_colour);
  cairo_set_line_width (cr, width);
  stroke_lines (cr, railways, vp, clip, 0, G_MAXUINT16);

  atlas_rgba_set (cr, &railway_dash_colour);
  cairo_set_line_width (cr, width - 1.4);
  cairo_set_dash (cr, (double[]) { dash, dash }, 2, 0);
  stroke_lines (cr, railways, vp, clip, 0, G_MAXUINT16);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* Station symbols from zoom 10 (their names are labels, from zoom 11). */
static void
draw_stations (AtlasBasemap        *bm,
               cairo_t             *cr,
               const AtlasViewport *vp,
               const AtlasPathClip *clip)
{
  guint n;
  const AtlasStation *stations = atlas_basemap_get_stations (bm, &n);
  double w = zoom_ramp (vp->zoom, 10, 5, 13, 7), h = zoom_ramp (vp->zoom, 10, 3.5, 13, 5);

  if (vp->zoom < 10 || n == 0)
    return;

  cairo_new_path (cr);
  for (guint i = 0; i < n; i++)
    {
      const AtlasPoint *p = &stations[i].world;

      if (p->x < clip->world.x0 || p->x > clip->world.x1 || p->y < clip->world.y0 || p->y > clip->world.y1)
        continue;
      cairo_rectangle (cr, round ((p->x - clip->origin_x) * clip->scale - w / 2) + 0.5,
                       round ((p->y - clip->origin_y) * clip->scale - h / 2) + 0.5, w, h);
    }
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  atlas_rgba_set (cr, &station_colour);
  cairo_set_line_width (cr, 1.2);
  cairo_stroke (cr);
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
  draw_relief (self, cr, vp);
  if (vp->zoom >= 6 && vp->zoom < 11)
    {
      /* faint, and fainter as the coarse outlines grow */
      AtlasRgba tint = urban_colour;

      tint.a = zoom_ramp (vp->zoom, 8, 0.5, 10, 0.28);
      fill_layer (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_URBAN, band), vp, &clip, FALSE,
                  &tint, 0);
    }
  fill_layer (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_LAKES, band), vp, &clip, FALSE,
              &lake_colour, 0);
  if (vp->zoom >= 8)
    {
      atlas_rgba_set (cr, &lake_edge_colour);
      cairo_set_line_width (cr, 0.7);
      stroke_lines (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_LAKES, band), vp, &clip,
                    ATLAS_LAKE_GSHHG, ATLAS_LAKE_GSHHG);
    }
  /* the lakes the sources lack: a dashed shore marks them as schematic */
  atlas_rgba_set (cr, &lake_edge_colour);
  cairo_set_line_width (cr, zoom_ramp (vp->zoom, 7, 0.7, 12, 1.2));
  cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
  stroke_lines (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_LAKES, band), vp, &clip,
                ATLAS_LAKE_SCHEMATIC, ATLAS_LAKE_SCHEMATIC);
  cairo_set_dash (cr, NULL, 0, 0);

  draw_rivers (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_RIVERS, band), vp, &clip);

  atlas_rgba_set (cr, &coast_colour);
  cairo_set_line_width (cr, zoom_ramp (vp->zoom, 5, 0.6, 12, 1.2));
  stroke_lines (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_COAST, band), vp, &clip, 0, G_MAXUINT16);

  draw_borders (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_BORDERS, band), vp, &clip);
  draw_railways (cr, atlas_basemap_get_layer (bm, ATLAS_LAYER_RAILWAYS, band), vp, &clip);
  draw_stations (bm, cr, vp, &clip);

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
  for (guint k = 0; k < RELIEF_LEVELS; k++)
    g_free (self->relief[k].pixels);
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
  relief_levels_init (self);

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
