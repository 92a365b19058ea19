/* atlas-gazetteer.h — the named places of the plan (maps/gazetteer.tsv) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char    *id;
  char    *name_zh;
  char    *name_en;
  char    *kind;
  double   lon, lat;
  guint32  county_code;
} AtlasPlace;

#define ATLAS_TYPE_GAZETTEER (atlas_gazetteer_get_type ())
G_DECLARE_FINAL_TYPE (AtlasGazetteer, atlas_gazetteer, ATLAS, GAZETTEER, GObject)

AtlasGazetteer   *atlas_gazetteer_new_from_bytes (GBytes          *bytes,
                                                  const char      *name,
                                                  GError         **error);
const AtlasPlace *atlas_gazetteer_lookup         (AtlasGazetteer  *self,
                                                  const char      *id);
const AtlasPlace *atlas_gazetteer_get_places     (AtlasGazetteer  *self,
                                                  guint           *n_places);

G_END_DECLS
