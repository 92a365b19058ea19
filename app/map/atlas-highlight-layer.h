/* atlas-highlight-layer.h — draws the hovered and the selected feature */
#pragma once

#include <shumate/shumate.h>

#include "model/atlas-overlays.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_HIGHLIGHT_LAYER (atlas_highlight_layer_get_type ())
G_DECLARE_FINAL_TYPE (AtlasHighlightLayer, atlas_highlight_layer, ATLAS, HIGHLIGHT_LAYER, ShumateLayer)

AtlasHighlightLayer *atlas_highlight_layer_new          (ShumateViewport     *viewport);
void                 atlas_highlight_layer_set_hover    (AtlasHighlightLayer *self,
                                                         AtlasOverlayFeature *feature);
void                 atlas_highlight_layer_set_selected (AtlasHighlightLayer *self,
                                                         AtlasOverlayFeature *feature);
void                 atlas_highlight_layer_set_features (AtlasHighlightLayer *self,
                                                         GPtrArray           *features);
void                 atlas_highlight_layer_set_county   (AtlasHighlightLayer *self,
                                                         AtlasBasemap        *basemap,
                                                         guint32              code);
void                 atlas_map_viewport_get             (ShumateViewport     *viewport,
                                                         double               width,
                                                         double               height,
                                                         double              *origin_x,
                                                         double              *origin_y,
                                                         double              *zoom);

G_END_DECLS
