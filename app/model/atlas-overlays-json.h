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

/* Typed readers (in atlas-overlays-reader.c): NULL or FALSE where the
 * member is missing or of another type, as in a damaged file. */
gboolean     atlas_json_node_is_number   (JsonNode        *node);
const char  *atlas_json_get_string       (JsonObject      *o,
                                          const char      *name);
gboolean     atlas_json_get_number       (JsonObject      *o,
                                          const char      *name,
                                          double          *out);
gboolean     atlas_json_get_bool         (JsonObject      *o,
                                          const char      *name);
JsonArray   *atlas_json_get_array        (JsonObject      *o,
                                          const char      *name);
JsonObject  *atlas_json_get_object       (JsonObject      *o,
                                          const char      *name);

G_END_DECLS
