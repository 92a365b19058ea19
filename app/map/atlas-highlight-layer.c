/* atlas-highlight-layer.c — draws the hovered and the selected feature
 *
 * The only overlay drawing done every frame: one or two features, outlined
 * with cairo in widget coordinates; everything else comes from tiles.
 */

#include "atlas-highlight-layer.h"

#include <math.h>

#include "render/atlas-overlay-renderer.h"

struct _AtlasHighlightLayer
{
  ShumateLayer         parent_instance;
  AtlasOverlayFeature *hover;
  AtlasOverlayFeature *selected;
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

static void
atlas_highlight_layer_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  AtlasHighlightLayer *self = ATLAS_HIGHLIGHT_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (widget));
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double rotation = shumate_viewport_get_rotation (viewport);
  AtlasViewport vp = { 0, 0, 0, w, h };
  cairo_t *cr;

  if (self->hover == NULL && self->selected == NULL)
    return;

  atlas_map_viewport_get (viewport, w, h, &vp.origin_x, &vp.origin_y, &vp.zoom);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (rotation != 0)
    {
      cairo_translate (cr, w / 2, h / 2);
      cairo_rotate (cr, rotation);
      cairo_translate (cr, -w / 2, -h / 2);
    }
  if (self->selected != NULL)
    atlas_overlay_draw_highlight (cr, self->selected, &vp, TRUE);
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
atlas_highlight_layer_class_init (AtlasHighlightLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = atlas_highlight_layer_constructed;
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
