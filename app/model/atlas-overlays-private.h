/* atlas-overlays-private.h — shared by the overlay files: the object's
 * insides, the loading context, the JSON reader (atlas-overlays-reader.c),
 * the geometry builder (atlas-overlays-geometry.c) */
#pragma once

#include <geos_c.h>
#include <json-glib/json-glib.h>

#include "atlas-overlays.h"
#include "atlas-overlays-json.h"
#include "atlas-union-cache.h"

G_BEGIN_DECLS

/* Limits far above the shipped layers (182 points in the largest literal
 * geometry, 40 codes in the longest county list, rings that cross
 * themselves a few times at most), so that a damaged file
 * is refused instead of taking minutes. */
#define MAX_POINTS 10000
#define MAX_CODES 2000
#define MAX_CROSSINGS 1000

struct _AtlasOverlays
{
  GObject             parent_instance;

  GEOSContextHandle_t geos;
  GPtrArray          *groups;     /* AtlasOverlayGroup, owned */
  GPtrArray          *layers;     /* AtlasOverlayLayer, owned */
  GPtrArray          *features;   /* AtlasOverlayFeature, owned */
  GHashTable         *feature_index;
  GHashTable         *layer_index;
  GHashTable         *group_index;
  GMutex              band_lock;     /* guards band_anchors and geos after loading */
  GHashTable         *band_anchors;  /* "outer inner" → AtlasPoint */
};

/* Loading context */

typedef struct
{
  AtlasOverlays  *self;
  AtlasBasemap   *basemap;
  AtlasGazetteer *gazetteer;
  AtlasPlan      *plan;
  GHashTable     *county_geoms;   /* code → GEOSGeometry (lon/lat), lazily */
  const char     *file;
  const char     *feature;
  AtlasUnionCache *cache;          /* nullable */
} Loader;

/* A layer file's name and contents */
typedef struct
{
  char   *name;
  GBytes *bytes;
} NamedBytes;

/* atlas-overlays-reader.c */
AtlasOverlays   *atlas_overlays_load               (GArray               *files,
                                                    AtlasBasemap         *basemap,
                                                    AtlasGazetteer       *gazetteer,
                                                    AtlasPlan            *plan,
                                                    GFile                *cache_dir,
                                                    GPtrArray            *problems,
                                                    GError              **error);
gboolean         atlas_overlays_set_error          (GError              **error,
                                                    Loader               *loader,
                                                    int                   code,
                                                    const char           *format,
                                                    ...) G_GNUC_PRINTF (4, 5);

/* atlas-overlays-geometry.c */
GEOSGeometry    *atlas_overlays_geos_from_feature  (GEOSContextHandle_t   ctx,
                                                    const AtlasGeomLayer *layer,
                                                    const AtlasFeature   *f);
AtlasUnionCache *atlas_overlays_union_cache_open   (AtlasBasemap         *basemap,
                                                    GFile                *cache_dir);
gboolean         atlas_overlays_resolve_geometry   (Loader               *loader,
                                                    JsonObject           *o,
                                                    AtlasOverlayFeature  *f,
                                                    GError              **error);

G_END_DECLS
