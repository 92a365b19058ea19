/* atlas-basemap-prefs.h — Preferences: the user's own base map (MBTiles or XYZ) */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATLAS_TYPE_BASEMAP_PREFS (atlas_basemap_prefs_get_type ())
G_DECLARE_FINAL_TYPE (AtlasBasemapPrefs, atlas_basemap_prefs, ATLAS, BASEMAP_PREFS, AdwPreferencesWindow)

typedef void (*AtlasBasemapApply) (gpointer    user_data,
                                   const char *spec,
                                   const char *attribution);

AtlasBasemapPrefs *atlas_basemap_prefs_new   (GtkWindow         *parent,
                                              GSettings         *settings,
                                              AtlasBasemapApply  apply,
                                              gpointer           user_data);
gboolean           atlas_basemap_prefs_apply (AtlasBasemapPrefs *self,
                                              guint              kind,
                                              const char         *source,
                                              const char         *attribution);

G_END_DECLS
