/* atlas-union-cache.c — the unions of counties, kept on disk between runs */

#define _GNU_SOURCE /* O_NOFOLLOW, O_CLOEXEC */

#include "atlas-union-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atlas-safe-file.h"

/* "ATLU", version, payload length (u64), SHA-256 of the payload; then the
 * payload: entry count, and per entry key length, key, WKB length, WKB.
 * Integers are little-endian. */
#define MAGIC "ATLU"
#define VERSION 2
#define HEADER_SIZE (4 + 4 + 8 + 32)
#define MAX_KEY 65536

struct _AtlasUnionCache
{
  GMutex      lock;
  char       *path;       /* nullable: no cache */
  GHashTable *entries;    /* key → GBytes (WKB) */
  gboolean    dirty;
};

static guint32
read_u32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

/* WKB: only what we write, a MultiPolygon of Polygons in 2D, every count
 * within the data and every coordinate finite; checked before GEOS reads
 * it, so no nesting, no huge counts, no reads past the end. */
typedef struct
{
  const guint8 *p, *end;
  gboolean      big;
  guint64       points;
  guint         max_points;
} WkbReader;

static gboolean
wkb_u32 (WkbReader *r,
         guint32   *v)
{
  if (r->end - r->p < 4)
    return FALSE;
  memcpy (v, r->p, 4);
  *v = r->big ? GUINT32_FROM_BE (*v) : GUINT32_FROM_LE (*v);
  r->p += 4;
  return TRUE;
}

static gboolean
wkb_header (WkbReader *r,
            guint32    want_type)
{
  guint32 type;

  if (r->end - r->p < 1 || *r->p > 1)
    return FALSE;
  r->big = *r->p++ == 0;
  return wkb_u32 (r, &type) && type == want_type;
}

static gboolean
wkb_polygon (WkbReader *r)
{
  guint32 n_rings;

  if (!wkb_header (r, 3) || !wkb_u32 (r, &n_rings) || n_rings == 0 || n_rings > r->max_points)
    return FALSE;
  for (guint32 i = 0; i < n_rings; i++)
    {
      guint32 n;

      if (!wkb_u32 (r, &n) || n < 4 || (r->points += n) > r->max_points
          || (guint64) (r->end - r->p) < (guint64) n * 16)
        return FALSE;
      for (guint32 k = 0; k < 2 * n; k++, r->p += 8)
        {
          guint64 bits;
          double d;

          memcpy (&bits, r->p, 8);
          bits = r->big ? GUINT64_FROM_BE (bits) : GUINT64_FROM_LE (bits);
          memcpy (&d, &bits, 8);
          if (!isfinite (d))
            return FALSE;
        }
    }
  return TRUE;
}

/**
 * atlas_wkb_check_multipolygon:
 *
 * Returns: whether @wkb is exactly one 2D MultiPolygon with at most
 *   @max_points points, all finite
 */
gboolean
atlas_wkb_check_multipolygon (const guint8 *wkb,
                              gsize         size,
                              guint         max_points)
{
  WkbReader r = { wkb, wkb + size, FALSE, 0, max_points };
  guint32 n;

  if (!wkb_header (&r, 6) || !wkb_u32 (&r, &n) || n > max_points)
    return FALSE;
  for (guint32 i = 0; i < n; i++)
    if (!wkb_polygon (&r))
      return FALSE;
  return r.p == r.end;
}

/* Reads the whole file if it is a regular file (not a link, FIFO or
 * device) of a sane size; NULL otherwise. */
static GBytes *
read_regular_file (const char *path)
{
  int fd = open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  guint8 *data = NULL;
  gsize done = 0;

  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size < HEADER_SIZE
      || (guint64) st.st_size > ATLAS_UNION_CACHE_MAX_BYTES)
    {
      close (fd);
      return NULL;
    }
  data = g_malloc (st.st_size);
  while (done < (gsize) st.st_size)
    {
      ssize_t n = read (fd, data + done, st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  close (fd);
  if (done != (gsize) st.st_size)
    {
      g_free (data);
      return NULL;
    }
  return g_bytes_new_take (data, done);
}

static gboolean
checksum_matches (const guint8 *payload,
                  gsize         length,
                  const guint8 *expected)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_checksum_update (sum, payload, length);
  g_checksum_get_digest (sum, digest, &digest_len);
  return memcmp (digest, expected, 32) == 0;
}

/* Fills the entries from the file; any damage drops them all. */
static void
load_entries (AtlasUnionCache *cache,
              GBytes          *bytes)
{
  gsize size, pos = 4;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint64 length;
  guint32 n;

  if (memcmp (data, MAGIC, 4) != 0 || read_u32 (data + 4) != VERSION)
    return;
  memcpy (&length, data + 8, 8);
  length = GUINT64_FROM_LE (length);
  if (length != size - HEADER_SIZE || length < 4 || !checksum_matches (data + HEADER_SIZE, length, data + 16))
    return;
  data += HEADER_SIZE;
  n = read_u32 (data);
  if (n > length / 8)
    return;
  for (guint32 i = 0; i < n; i++)
    {
      guint32 key_len, wkb_len;

      if (length - pos < 4 || (key_len = read_u32 (data + pos)) > MAX_KEY
          || length - pos - 4 < (guint64) key_len + 4)
        goto damaged;
      pos += 4;
      wkb_len = read_u32 (data + pos + key_len);
      if (wkb_len > length - pos - key_len - 4
          || memchr (data + pos, '\0', key_len) != NULL
          || !atlas_wkb_check_multipolygon (data + pos + key_len + 4, wkb_len, ATLAS_UNION_CACHE_MAX_POINTS))
        goto damaged;
      g_hash_table_insert (cache->entries, g_strndup ((const char *) data + pos, key_len),
                           g_bytes_new (data + pos + key_len + 4, wkb_len));
      pos += key_len + 4 + wkb_len;
    }
  if (pos == length)
    return;

damaged:
  g_hash_table_remove_all (cache->entries);
}

/**
 * atlas_union_cache_open:
 * @dir: (nullable): the cache's folder, or %NULL for no cache
 * @digest: names the base map's units the unions are made of
 *
 * Returns: (transfer full): the cache, with the entries of its file if
 *   that is whole
 */
AtlasUnionCache *
atlas_union_cache_open (const char *dir,
                        const char *digest)
{
  AtlasUnionCache *cache = g_new0 (AtlasUnionCache, 1);
  g_autofree char *name = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_mutex_init (&cache->lock);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  if (dir == NULL)
    return cache;
  name = g_strdup_printf ("unions-v%d-%.16s.bin", VERSION, digest);
  cache->path = g_build_filename (dir, name, NULL);
  atlas_safe_file_sweep (dir);
  bytes = read_regular_file (cache->path);
  if (bytes != NULL)
    load_entries (cache, bytes);
  return cache;
}

static void
append_u32 (GByteArray *out,
            guint32     v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &v, 4);
}

static void
write_file (AtlasUnionCache *cache)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *dir = g_path_get_dirname (cache->path);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  guint64 length;
  GHashTableIter iter;
  gpointer key, value;

  g_byte_array_set_size (out, HEADER_SIZE);
  append_u32 (out, g_hash_table_size (cache->entries));
  g_hash_table_iter_init (&iter, cache->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gsize size;
      const guint8 *wkb = g_bytes_get_data (value, &size);

      append_u32 (out, strlen (key));
      g_byte_array_append (out, key, strlen (key));
      append_u32 (out, size);
      g_byte_array_append (out, wkb, size);
    }
  length = GUINT64_TO_LE (out->len - HEADER_SIZE);
  g_checksum_update (sum, out->data + HEADER_SIZE, out->len - HEADER_SIZE);
  g_checksum_get_digest (sum, digest, &digest_len);
  memcpy (out->data, MAGIC, 4);
  out->data[4] = VERSION;
  out->data[5] = out->data[6] = out->data[7] = 0;
  memcpy (out->data + 8, &length, 8);
  memcpy (out->data + 16, digest, 32);
  /* a cache that cannot be written is only slower next time */
  if (g_mkdir_with_parents (dir, 0755) == 0)
    atlas_safe_file_replace_contents (cache->path, out->data, out->len, NULL);
}

/**
 * atlas_union_cache_close:
 *
 * Writes the file if entries were added, and frees @cache.
 */
void
atlas_union_cache_close (AtlasUnionCache *cache)
{
  if (cache->path != NULL && cache->dirty)
    write_file (cache);
  g_hash_table_unref (cache->entries);
  g_mutex_clear (&cache->lock);
  g_free (cache->path);
  g_free (cache);
}

/**
 * atlas_union_cache_lookup:
 *
 * Returns: (transfer full) (nullable): the MultiPolygon stored for @key
 */
GEOSGeometry *
atlas_union_cache_lookup (AtlasUnionCache     *cache,
                          GEOSContextHandle_t  ctx,
                          const char          *key)
{
  GBytes *wkb;
  GEOSGeometry *geom = NULL;

  if (cache == NULL || cache->path == NULL)
    return NULL;
  g_mutex_lock (&cache->lock);
  wkb = g_hash_table_lookup (cache->entries, key);
  if (wkb != NULL)
    {
      GEOSWKBReader *reader = GEOSWKBReader_create_r (ctx);
      gsize size;
      const guchar *data = g_bytes_get_data (wkb, &size);

      geom = GEOSWKBReader_read_r (ctx, reader, data, size);
      GEOSWKBReader_destroy_r (ctx, reader);
      if (geom != NULL && GEOSGeomTypeId_r (ctx, geom) != GEOS_MULTIPOLYGON)
        {
          GEOSGeom_destroy_r (ctx, geom);
          geom = NULL;
        }
    }
  g_mutex_unlock (&cache->lock);
  return geom;
}

void
atlas_union_cache_store (AtlasUnionCache     *cache,
                         GEOSContextHandle_t  ctx,
                         const char          *key,
                         const GEOSGeometry  *geom)
{
  GEOSWKBWriter *writer;
  unsigned char *wkb;
  size_t size = 0;

  /* only what lookups accept, so that the file stays whole */
  if (cache == NULL || cache->path == NULL || GEOSGeomTypeId_r (ctx, geom) != GEOS_MULTIPOLYGON)
    return;
  writer = GEOSWKBWriter_create_r (ctx);
  wkb = GEOSWKBWriter_write_r (ctx, writer, geom, &size);
  GEOSWKBWriter_destroy_r (ctx, writer);
  if (wkb == NULL)
    return;
  g_mutex_lock (&cache->lock);
  g_hash_table_insert (cache->entries, g_strdup (key), g_bytes_new (wkb, size));
  cache->dirty = TRUE;
  g_mutex_unlock (&cache->lock);
  GEOSFree_r (ctx, wkb);
}

guint
atlas_union_cache_get_n_entries (AtlasUnionCache *cache)
{
  return g_hash_table_size (cache->entries);
}

const char *
atlas_union_cache_get_path (AtlasUnionCache *cache)
{
  return cache->path;
}
