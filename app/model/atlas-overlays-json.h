/* atlas-overlays-json.h — the overlay layers as JSON and GeoJSON */
#pragma once

#include <json-glib/json-glib.h>

#include "atlas-overlays.h"

G_BEGIN_DECLS

char     *atlas_overlays_to_json_listing (AtlasOverlays   *overlays);
char     *atlas_overlays_to_text_listing (AtlasOverlays   *overlays);
char     *atlas_overlays_to_geojson      (AtlasOverlays   *overlays,
                                          AtlasVisibility *visibility);
void      atlas_json_add_string          (JsonBuilder     *builder,
                                          const char      *name,
                                          const char      *value);
char     *atlas_json_builder_to_string   (JsonBuilder     *builder,
                                          gboolean         pretty);
gboolean  atlas_write_file_atomically    (const char      *path,
                                          const char      *contents,
                                          GError         **error);

G_END_DECLS
