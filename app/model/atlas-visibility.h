/* atlas-visibility.h — which overlay layers and features are shown, frozen
 *
 * An immutable, reference-counted snapshot of the layer state: per layer
 * whether it is shown and how opaque, per feature whether it is switched
 * off within a shown layer. The layer state makes one on request; the
 * renderer, hit testing, "what is here", exports and their legends read
 * it, on any thread.
 */
#pragma once

#include "atlas-overlays.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_VISIBILITY (atlas_visibility_get_type ())

GType            atlas_visibility_get_type        (void) G_GNUC_CONST;

AtlasVisibility *atlas_visibility_new             (AtlasOverlays             *overlays,
                                                   const gboolean            *visible,
                                                   const double              *opacity,
                                                   const gboolean            *hidden);
AtlasVisibility *atlas_visibility_new_all         (AtlasOverlays             *overlays);
AtlasVisibility *atlas_visibility_new_group       (AtlasVisibility           *self,
                                                   const AtlasOverlayGroup   *group);
AtlasVisibility *atlas_visibility_ref             (AtlasVisibility           *self);
void             atlas_visibility_unref           (AtlasVisibility           *self);

gboolean         atlas_visibility_layer_visible   (AtlasVisibility           *self,
                                                   const AtlasOverlayLayer   *layer);
double           atlas_visibility_layer_opacity   (AtlasVisibility           *self,
                                                   const AtlasOverlayLayer   *layer);
gboolean         atlas_visibility_feature_hidden  (AtlasVisibility           *self,
                                                   const AtlasOverlayFeature *feature);
gboolean         atlas_visibility_feature_shown   (AtlasVisibility           *self,
                                                   const AtlasOverlayFeature *feature);
gboolean         atlas_visibility_equal           (AtlasVisibility           *a,
                                                   AtlasVisibility           *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasVisibility, atlas_visibility_unref)

G_END_DECLS
