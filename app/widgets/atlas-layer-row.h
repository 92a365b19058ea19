/* atlas-layer-row.h — a layer of the plan in the layer panel */
#pragma once

#include <adwaita.h>

#include "model/atlas-layer-state.h"
#include "model/atlas-selection.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_LAYER_ROW (atlas_layer_row_get_type ())
G_DECLARE_FINAL_TYPE (AtlasLayerRow, atlas_layer_row, ATLAS, LAYER_ROW, AdwExpanderRow)

AtlasLayerRow     *atlas_layer_row_new                (AtlasLayerState     *state,
                                                       AtlasSelection      *selection,
                                                       AtlasOverlayLayer   *layer);
AtlasOverlayLayer *atlas_layer_row_get_layer          (AtlasLayerRow       *self);
GtkWidget         *atlas_layer_row_get_switch         (AtlasLayerRow       *self);
GtkWidget         *atlas_layer_row_get_feature_switch (AtlasLayerRow       *self,
                                                       AtlasOverlayFeature *feature);
gboolean           atlas_layer_row_filter             (AtlasLayerRow       *self,
                                                       const char          *folded,
                                                       gboolean             group_matches);

gboolean           atlas_layer_row_name_matches       (const char          *name_zh,
                                                       const char          *name_en,
                                                       const char          *folded);

G_END_DECLS
