/* atlas-highlight-layer.c — draws the hovered and the selected feature
 *
 * The only overlay drawing done every frame: one or two features, outlined
 * with cairo in widget coordinates; everything else comes from tiles.
 */

#include "atlas-highlight-layer.h"

#include <math.h>

#include "render/atlas-overlay-renderer.h"
#include "render/atlas-paint.h"

struct _AtlasHighlightLayer
{
  ShumateLayer         parent_instance;
  AtlasOverlayFeature *hover;
  AtlasOverlayFeature *selected;
  GPtrArray           *features;   /* of a selected section */
  AtlasBasemap        *basemap;    /* with the selected county */
  guint32              county;
};

G_DEFINE_FINAL_TYPE (AtlasHighlightLayer, atlas_highlight_layer, SHUMATE_TYPE_LAYER)

/**
 * atlas_map_viewport_get:
 *
 * The world coordinates of the top-left corner of a widget of the given
 * size showing @viewport, and the zoom, for drawing with cairo painters.
 */
void
atlas_map_viewport_get (ShumateViewport *viewport,
                        double           width,
                        double           height,
                        double          *origin_x,
                        double          *origin_y,
                        double          *zoom)
{
  double scale;

  *zoom = shumate_viewport_get_zoom_level (viewport);
  scale = ATLAS_TILE_SIZE * pow (2, *zoom);
  *origin_x = atlas_geo_lon_to_world_x (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)))
              - width / 2 / scale;
  *origin_y = atlas_geo_lat_to_world_y (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)))
              - height / 2 / scale;
}

/* The desktop's selection colour (libadwaita's accent), for the selection
 * and a section's features alike. */
static AtlasColor
selection_color (GtkWidget *widget)
{
  GdkRGBA rgba = { 0.10, 0.37, 0.71, 1 };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_bg_color", &rgba);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return (AtlasColor) { rgba.red, rgba.green, rgba.blue, 1 };
}

static void
draw_county (AtlasHighlightLayer *self,
             cairo_t             *cr,
             const AtlasViewport *vp)
{
  const AtlasGeomLayer *g = atlas_basemap_get_layer (self->basemap, ATLAS_LAYER_COUNTIES,
                                                     atlas_basemap_band_for_zoom ((guint) MAX (vp->zoom - 1, 0)));
  AtlasPathClip clip;
  AtlasColor accent = selection_color (GTK_WIDGET (self));

  atlas_path_clip_init (&clip, vp, 16.0);
  for (guint i = 0; i < g->n_features; i++)
    if (g->features[i].code == self->county)
      atlas_path_add_feature (cr, g, &g->features[i], vp, &clip, TRUE);
  cairo_set_source_rgba (cr, accent.r, accent.g, accent.b, 0.10);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, accent.r, accent.g, accent.b, 1);
  cairo_set_line_width (cr, 3);
  cairo_stroke (cr);
}

static void
atlas_highlight_layer_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  AtlasHighlightLayer *self = ATLAS_HIGHLIGHT_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (widget));
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double rotation = shumate_viewport_get_rotation (viewport);
  AtlasViewport vp = { 0, 0, 0, w, h };
  AtlasColor accent;
  cairo_t *cr;

  if (self->hover == NULL && self->selected == NULL && self->county == 0
      && (self->features == NULL || self->features->len == 0))
    return;

  atlas_map_viewport_get (viewport, w, h, &vp.origin_x, &vp.origin_y, &vp.zoom);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (rotation != 0)
    {
      cairo_translate (cr, w / 2, h / 2);
      cairo_rotate (cr, rotation);
      cairo_translate (cr, -w / 2, -h / 2);
    }
  accent = selection_color (widget);
  /* one outline per feature, whatever tiles it spans */
  for (guint i = 0; self->features != NULL && i < self->features->len; i++)
    atlas_overlay_draw_highlight_color (cr, g_ptr_array_index (self->features, i), &vp, TRUE, &accent);
  if (self->county != 0)
    draw_county (self, cr, &vp);
  if (self->selected != NULL)
    atlas_overlay_draw_highlight_color (cr, self->selected, &vp, TRUE, &accent);
  if (self->hover != NULL && self->hover != self->selected)
    atlas_overlay_draw_highlight (cr, self->hover, &vp, FALSE);
  cairo_destroy (cr);
}

static void
atlas_highlight_layer_constructed (GObject *object)
{
  G_OBJECT_CLASS (atlas_highlight_layer_parent_class)->constructed (object);

  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (object)), "notify",
                           G_CALLBACK (gtk_widget_queue_draw), object, G_CONNECT_SWAPPED);
}

static void
atlas_highlight_layer_finalize (GObject *object)
{
  AtlasHighlightLayer *self = ATLAS_HIGHLIGHT_LAYER (object);

  g_clear_pointer (&self->features, g_ptr_array_unref);
  g_clear_object (&self->basemap);

  G_OBJECT_CLASS (atlas_highlight_layer_parent_class)->finalize (object);
}

static void
atlas_highlight_layer_class_init (AtlasHighlightLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = atlas_highlight_layer_constructed;
  G_OBJECT_CLASS (klass)->finalize = atlas_highlight_layer_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = atlas_highlight_layer_snapshot;
}

static void
atlas_highlight_layer_init (AtlasHighlightLayer *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

AtlasHighlightLayer *
atlas_highlight_layer_new (ShumateViewport *viewport)
{
  return g_object_new (ATLAS_TYPE_HIGHLIGHT_LAYER, "viewport", viewport, NULL);
}

void
atlas_highlight_layer_set_hover (AtlasHighlightLayer *self,
                                 AtlasOverlayFeature *feature)
{
  if (self->hover == feature)
    return;
  self->hover = feature;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
atlas_highlight_layer_set_selected (AtlasHighlightLayer *self,
                                    AtlasOverlayFeature *feature)
{
  if (self->selected == feature)
    return;
  self->selected = feature;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * atlas_highlight_layer_set_features:
 * @features: (nullable): features to outline, e.g. those of a section
 */
void
atlas_highlight_layer_set_features (AtlasHighlightLayer *self,
                                    GPtrArray           *features)
{
  g_clear_pointer (&self->features, g_ptr_array_unref);
  if (features != NULL)
    self->features = g_ptr_array_ref (features);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Outlines a county of @basemap; code 0 for none. */
void
atlas_highlight_layer_set_county (AtlasHighlightLayer *self,
                                  AtlasBasemap        *basemap,
                                  guint32              code)
{
  g_set_object (&self->basemap, basemap);
  self->county = basemap != NULL ? code : 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
