/* atlas-selection.h — what the user has selected on the map */
#pragma once

#include "atlas-overlays.h"
#include "atlas-plan-index.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_SELECTION (atlas_selection_get_type ())
G_DECLARE_FINAL_TYPE (AtlasSelection, atlas_selection, ATLAS, SELECTION, GObject)

AtlasSelection      *atlas_selection_new         (void);
AtlasOverlayFeature *atlas_selection_get_feature (AtlasSelection      *self);
void                 atlas_selection_set_feature (AtlasSelection      *self,
                                                  AtlasOverlayFeature *feature);
AtlasEntity         *atlas_selection_get_entity  (AtlasSelection      *self);
void                 atlas_selection_set_entity  (AtlasSelection      *self,
                                                  AtlasEntity         *entity);
GPtrArray           *atlas_selection_get_section_features (AtlasSelection *self);
const char          *atlas_selection_get_section (AtlasSelection      *self);
void                 atlas_selection_set_section (AtlasSelection      *self,
                                                  const char          *section_id,
                                                  GPtrArray           *features);

G_END_DECLS
