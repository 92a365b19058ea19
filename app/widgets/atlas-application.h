/* atlas-application.h — the application object */
#pragma once

#include <adwaita.h>

#include "render/atlas-basemap-renderer.h"

G_BEGIN_DECLS

#define ATLAS_APPLICATION_ID "io.github.capitalatlas.CapitalAtlas"

/* Where the first window opens; fields left NaN mean "not given". */
typedef struct
{
  double longitude;
  double latitude;
  double zoom;
} AtlasStartView;

#define ATLAS_TYPE_APPLICATION (atlas_application_get_type ())
G_DECLARE_FINAL_TYPE (AtlasApplication, atlas_application, ATLAS, APPLICATION, AdwApplication)

AtlasApplication *atlas_application_new            (const AtlasStartView *start_view,
                                                    const char           *start_layers);
void              atlas_application_set_start_figure (AtlasApplication *self,
                                                      guint             number);
void              atlas_application_set_open_files (AtlasApplication   *self,
                                                    const char * const *paths);
void              atlas_application_set_basemap    (AtlasApplication   *self,
                                                    const char         *spec,
                                                    const char         *attribution);

G_END_DECLS
