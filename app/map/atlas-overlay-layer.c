/* atlas-overlay-layer.c — the plan's overlay tiles on the map
 *
 * Each visibility gets a new renderer, tile source and map layer, inserted
 * behind the highlight layer; the previous layer stays on screen until the
 * new source has no tile pending, so that toggling a layer does not flash.
 * Hit testing uses the visibility on screen.
 */

#include "atlas-overlay-layer.h"

#include <glib/gi18n-lib.h>

#include "model/atlas-geo.h"
#include "render/atlas-overlay-renderer.h"

struct _AtlasOverlayMapLayer
{
  GObject          parent_instance;

  ShumateMap      *map;
  ShumateViewport *viewport;
  ShumateLayer    *above;
  AtlasOverlays   *overlays;
  AtlasBasemap    *basemap;
  AtlasVisibility *visibility;      /* of the current source, or NULL before the first refresh */
  AtlasTileSource *source;
  ShumateMapLayer *layer;           /* owned by the map */
  ShumateMapLayer *old_layer;       /* owned by the map: shown until the new tiles are drawn */
  guint            serial;
};

G_DEFINE_FINAL_TYPE (AtlasOverlayMapLayer, atlas_overlay_map_layer, G_TYPE_OBJECT)

static void
atlas_overlay_map_layer_dispose (GObject *object)
{
  AtlasOverlayMapLayer *self = ATLAS_OVERLAY_MAP_LAYER (object);

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  g_clear_pointer (&self->visibility, atlas_visibility_unref);
  self->layer = NULL;
  self->old_layer = NULL;
  g_clear_object (&self->above);
  g_clear_object (&self->viewport);
  g_clear_object (&self->map);
  g_clear_object (&self->overlays);
  g_clear_object (&self->basemap);

  G_OBJECT_CLASS (atlas_overlay_map_layer_parent_class)->dispose (object);
}

static void
atlas_overlay_map_layer_class_init (AtlasOverlayMapLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = atlas_overlay_map_layer_dispose;
}

static void
atlas_overlay_map_layer_init (AtlasOverlayMapLayer *self)
{
}

/**
 * atlas_overlay_map_layer_new:
 * @above: the layer the overlay tiles are drawn behind (the highlight)
 * @basemap: (nullable): the base map whose labels the overlay tiles draw
 *
 * Nothing shows until the first atlas_overlay_map_layer_refresh().
 */
AtlasOverlayMapLayer *
atlas_overlay_map_layer_new (ShumateMap      *map,
                             ShumateViewport *viewport,
                             ShumateLayer    *above,
                             AtlasOverlays   *overlays,
                             AtlasBasemap    *basemap)
{
  AtlasOverlayMapLayer *self = g_object_new (ATLAS_TYPE_OVERLAY_MAP_LAYER, NULL);

  self->map = g_object_ref (map);
  self->viewport = g_object_ref (viewport);
  self->above = g_object_ref (above);
  self->overlays = g_object_ref (overlays);
  self->basemap = basemap != NULL ? g_object_ref (basemap) : NULL;
  return self;
}

static void
pending_cb (AtlasOverlayMapLayer *self)
{
  if (self->old_layer == NULL || atlas_tile_source_get_pending (self->source) > 0)
    return;

  shumate_map_remove_layer (self->map, SHUMATE_LAYER (self->old_layer));
  self->old_layer = NULL;
}

/**
 * atlas_overlay_map_layer_refresh:
 *
 * Shows @visibility: a new tile source (at @scale_factor) and map layer.
 * A layer still waiting for its replacement's tiles is removed at once.
 */
void
atlas_overlay_map_layer_refresh (AtlasOverlayMapLayer *self,
                                 AtlasVisibility      *visibility,
                                 int                   scale_factor)
{
  g_autoptr(AtlasOverlayRenderer) renderer = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (ATLAS_IS_OVERLAY_MAP_LAYER (self));
  g_return_if_fail (visibility != NULL);

  g_clear_pointer (&self->visibility, atlas_visibility_unref);
  self->visibility = atlas_visibility_ref (visibility);
  renderer = atlas_overlay_renderer_new (self->overlays, visibility);
  /* one label engine: the overlay tiles draw the base map's labels too */
  atlas_overlay_renderer_set_basemap (renderer, self->basemap);
  id = g_strdup_printf ("capital-atlas-overlays-%u", ++self->serial);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  self->source = atlas_tile_source_new (atlas_overlay_renderer_as_painter (renderer), id,
                                        _("Plan overlays"), NULL);
  atlas_tile_source_set_scale_factor (self->source, scale_factor);
  g_signal_connect_object (self->source, "notify::pending", G_CALLBACK (pending_cb), self,
                           G_CONNECT_SWAPPED);

  if (self->old_layer != NULL)
    shumate_map_remove_layer (self->map, SHUMATE_LAYER (self->old_layer));
  self->old_layer = self->layer;
  self->layer = shumate_map_layer_new (SHUMATE_MAP_SOURCE (self->source), self->viewport);
  shumate_map_insert_layer_behind (self->map, SHUMATE_LAYER (self->layer), self->above);
}

/**
 * atlas_overlay_map_layer_get_source:
 *
 * Returns: (transfer none) (nullable): the tile source of the visibility
 *   shown, or %NULL before the first refresh
 */
AtlasTileSource *
atlas_overlay_map_layer_get_source (AtlasOverlayMapLayer *self)
{
  g_return_val_if_fail (ATLAS_IS_OVERLAY_MAP_LAYER (self), NULL);
  return self->source;
}

/**
 * atlas_overlay_map_layer_hit:
 *
 * Returns: (transfer none) (nullable): the visible feature at @lat, @lon
 *   (within 4 pixels at the viewport's zoom), or %NULL
 */
AtlasOverlayFeature *
atlas_overlay_map_layer_hit (AtlasOverlayMapLayer *self,
                             double                lat,
                             double                lon)
{
  g_return_val_if_fail (ATLAS_IS_OVERLAY_MAP_LAYER (self), NULL);

  if (self->visibility == NULL)
    return NULL;
  return atlas_overlays_hit (self->overlays, self->visibility,
                             atlas_geo_lon_to_world_x (lon), atlas_geo_lat_to_world_y (lat),
                             shumate_viewport_get_zoom_level (self->viewport), 4.0);
}
