/* atlas-layer-state.h — which overlay layers are shown, and how opaque */
#pragma once

#include "atlas-overlays.h"
#include "atlas-visibility.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_LAYER_STATE (atlas_layer_state_get_type ())
G_DECLARE_FINAL_TYPE (AtlasLayerState, atlas_layer_state, ATLAS, LAYER_STATE, GObject)

AtlasLayerState *atlas_layer_state_new               (AtlasOverlays     *overlays);
AtlasOverlays   *atlas_layer_state_get_overlays      (AtlasLayerState   *self);
gboolean         atlas_layer_state_get_visible       (AtlasLayerState   *self,
                                                      AtlasOverlayLayer *layer);
void             atlas_layer_state_set_visible       (AtlasLayerState   *self,
                                                      AtlasOverlayLayer *layer,
                                                      gboolean           visible);
double           atlas_layer_state_get_opacity       (AtlasLayerState   *self,
                                                      AtlasOverlayLayer *layer);
void             atlas_layer_state_set_opacity       (AtlasLayerState   *self,
                                                      AtlasOverlayLayer *layer,
                                                      double             opacity);
void             atlas_layer_state_set_group_visible (AtlasLayerState   *self,
                                                      AtlasOverlayGroup *group,
                                                      gboolean           visible);
void             atlas_layer_state_show_only         (AtlasLayerState   *self,
                                                      AtlasOverlayLayer *layer);
gboolean         atlas_layer_state_is_only           (AtlasLayerState   *self,
                                                      AtlasOverlayLayer *layer);
void             atlas_layer_state_set_all_visible   (AtlasLayerState   *self,
                                                      gboolean           visible);
gboolean         atlas_layer_state_set_visible_ids   (AtlasLayerState   *self,
                                                      const char        *ids,
                                                      GError           **error);
AtlasVisibility *atlas_layer_state_snapshot          (AtlasLayerState   *self);
gboolean         atlas_layer_state_get_feature_visible (AtlasLayerState     *self,
                                                        AtlasOverlayFeature *feature);
void             atlas_layer_state_set_feature_visible (AtlasLayerState     *self,
                                                        AtlasOverlayFeature *feature,
                                                        gboolean             visible);
GVariant        *atlas_layer_state_hidden_to_variant   (AtlasLayerState     *self);
void             atlas_layer_state_apply_hidden_variant (AtlasLayerState    *self,
                                                         GVariant           *hidden);
GVariant        *atlas_layer_state_to_variant        (AtlasLayerState   *self);
void             atlas_layer_state_apply_variant     (AtlasLayerState   *self,
                                                      GVariant          *state);

G_END_DECLS
