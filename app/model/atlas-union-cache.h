/* atlas-union-cache.h — the unions of counties, kept on disk between runs
 *
 * A union depends only on the list of units and on the base map's unit
 * polygons: the cache file is named by a digest of those polygons (given
 * by the caller), each entry by the sorted list of codes; entries are WKB
 * MultiPolygons. The file carries its length and a SHA-256 of its
 * contents; a missing, foreign, damaged or oversized file, a symbolic
 * link or anything but a regular file is simply a cache miss.
 */
#pragma once

#include <geos_c.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtlasUnionCache AtlasUnionCache;

/* Far above the shipped data (3 MB, 30 unions, 23,500 points in the largest). */
#define ATLAS_UNION_CACHE_MAX_BYTES  (64u << 20)
#define ATLAS_UNION_CACHE_MAX_POINTS 1000000u

AtlasUnionCache *atlas_union_cache_open   (const char          *dir,
                                           const char          *digest);
GEOSGeometry    *atlas_union_cache_lookup (AtlasUnionCache     *cache,
                                           GEOSContextHandle_t  ctx,
                                           const char          *key);
void             atlas_union_cache_store  (AtlasUnionCache     *cache,
                                           GEOSContextHandle_t  ctx,
                                           const char          *key,
                                           const GEOSGeometry  *geom);
guint            atlas_union_cache_get_n_entries (AtlasUnionCache *cache);
const char      *atlas_union_cache_get_path (AtlasUnionCache   *cache);
void             atlas_union_cache_close  (AtlasUnionCache     *cache);

gboolean         atlas_wkb_check_multipolygon (const guint8    *wkb,
                                               gsize            size,
                                               guint            max_points);

G_END_DECLS
