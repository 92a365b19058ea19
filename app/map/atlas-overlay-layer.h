/* atlas-overlay-layer.h — the plan's overlay tiles on the map
 *
 * (The type is AtlasOverlayMapLayer: AtlasOverlayLayer is the model's
 * layer of features.)
 */
#pragma once

#include <shumate/shumate.h>

#include "map/atlas-tile-source.h"
#include "model/atlas-basemap.h"
#include "model/atlas-overlays.h"
#include "model/atlas-visibility.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_OVERLAY_MAP_LAYER (atlas_overlay_map_layer_get_type ())
G_DECLARE_FINAL_TYPE (AtlasOverlayMapLayer, atlas_overlay_map_layer, ATLAS, OVERLAY_MAP_LAYER, GObject)

AtlasOverlayMapLayer *atlas_overlay_map_layer_new        (ShumateMap           *map,
                                                          ShumateViewport      *viewport,
                                                          ShumateLayer         *above,
                                                          AtlasOverlays        *overlays,
                                                          AtlasBasemap         *basemap);
void                  atlas_overlay_map_layer_refresh    (AtlasOverlayMapLayer *self,
                                                          AtlasVisibility      *visibility,
                                                          int                   scale_factor);
AtlasTileSource      *atlas_overlay_map_layer_get_source (AtlasOverlayMapLayer *self);
AtlasOverlayFeature  *atlas_overlay_map_layer_hit        (AtlasOverlayMapLayer *self,
                                                          double                lat,
                                                          double                lon);

G_END_DECLS
