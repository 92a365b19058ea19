/* atlas-layer-panel.h — the sidebar of the plan's layers */
#pragma once

#include <adwaita.h>

#include "model/atlas-layer-state.h"
#include "model/atlas-selection.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_LAYER_PANEL (atlas_layer_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtlasLayerPanel, atlas_layer_panel, ATLAS, LAYER_PANEL, GtkWidget)

AtlasLayerPanel *atlas_layer_panel_new         (AtlasLayerState *state,
                                                AtlasSelection  *selection);
GtkWidget       *atlas_layer_panel_get_switch  (AtlasLayerPanel *self,
                                                const char      *layer_id);
GtkWidget       *atlas_layer_panel_get_feature_switch (AtlasLayerPanel     *self,
                                                       AtlasOverlayFeature *feature);
GtkWidget       *atlas_layer_panel_get_group_switch   (AtlasLayerPanel     *self,
                                                       const char          *group_id);

void             atlas_layer_panel_set_filter  (AtlasLayerPanel *self,
                                                const char      *text);

G_END_DECLS
