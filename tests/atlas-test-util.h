/* atlas-test-util.h — helpers shared by the test programs */
#pragma once

#include "model/atlas-data.h"

G_BEGIN_DECLS

AtlasData           *atlas_test_load_data (void);
AtlasOverlayFeature *atlas_test_feature   (AtlasData  *data,
                                           const char *id);
AtlasOverlayLayer   *atlas_test_layer     (AtlasData  *data,
                                           const char *id);
void                 atlas_test_copy_tree   (const char *from,
                                             const char *to);
void                 atlas_test_remove_tree (const char *path);

G_END_DECLS
