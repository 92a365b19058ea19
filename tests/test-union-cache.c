/* test-union-cache.c — the unions kept on disk: a damaged, foreign or hostile file is a cache miss */

#define _GNU_SOURCE /* mkfifo, symlink */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/atlas-union-cache.h"

#define DIGEST "0123456789abcdef0123"
#define KEY "110101,110102"

static GEOSContextHandle_t ctx;

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  AtlasUnionCache *cache;
  GEOSWKTReader *reader = GEOSWKTReader_create_r (ctx);
  GEOSGeometry *geom = GEOSWKTReader_read_r (ctx, reader,
                                             "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(2 2,2 3,3 3,2 2)),"
                                             "((20 20,30 20,30 30,20 20)))");

  f->dir = g_dir_make_tmp ("atlas-union-cache-XXXXXX", NULL);
  cache = atlas_union_cache_open (f->dir, DIGEST);
  f->path = g_strdup (atlas_union_cache_get_path (cache));
  atlas_union_cache_store (cache, ctx, KEY, geom);
  atlas_union_cache_store (cache, ctx, "120101", geom);
  atlas_union_cache_close (cache);
  GEOSGeom_destroy_r (ctx, geom);
  GEOSWKTReader_destroy_r (ctx, reader);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static guint
entries_in (Fixture *f)
{
  AtlasUnionCache *cache = atlas_union_cache_open (f->dir, DIGEST);
  guint n = atlas_union_cache_get_n_entries (cache);

  atlas_union_cache_close (cache);
  return n;
}

/* The payload with a correct header (length, SHA-256) around it */
static void
write_with_header (const char   *path,
                   const guint8 *payload,
                   gsize         length)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = 32;
  guint64 len = GUINT64_TO_LE (length);

  g_byte_array_append (out, (const guint8 *) "ATLU\2\0\0\0", 8);
  g_byte_array_append (out, (const guint8 *) &len, 8);
  g_checksum_update (sum, payload, length);
  g_checksum_get_digest (sum, digest, &digest_len);
  g_byte_array_append (out, digest, 32);
  g_byte_array_append (out, payload, length);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, NULL));
}

static void
append_u32 (GByteArray *out,
            guint32     v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &v, 4);
}

/* one entry holding @wkb */
static void
write_entry (const char *path,
             GByteArray *wkb)
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();

  append_u32 (payload, 1);
  append_u32 (payload, strlen (KEY));
  g_byte_array_append (payload, (const guint8 *) KEY, strlen (KEY));
  append_u32 (payload, wkb->len);
  g_byte_array_append (payload, wkb->data, wkb->len);
  write_with_header (path, payload->data, payload->len);
}

/* What was stored is read back as the same geometry. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  AtlasUnionCache *cache = atlas_union_cache_open (f->dir, DIGEST);
  GEOSGeometry *geom = atlas_union_cache_lookup (cache, ctx, KEY);
  double area = 0;

  g_assert_cmpuint (atlas_union_cache_get_n_entries (cache), ==, 2);
  g_assert_nonnull (geom);
  GEOSArea_r (ctx, geom, &area);
  g_assert_cmpfloat_with_epsilon (area, 100 - 0.5 + 50, 1e-9);
  GEOSGeom_destroy_r (ctx, geom);
  atlas_union_cache_close (cache);
}

/* Every single flipped byte and every truncation makes the whole file a miss. */
static void
test_damage (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *original = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (f->path, &original, &length, NULL));
  for (gsize i = 0; i < length; i++)
    {
      g_autofree char *copy = g_memdup2 (original, length);

      copy[i] ^= 1 << (i % 8);
      g_assert_true (g_file_set_contents (f->path, copy, length, NULL));
      g_assert_cmpuint (entries_in (f), ==, 0);
    }
  for (gsize n = 0; n < length; n += 1 + n / 4)
    {
      g_assert_true (g_file_set_contents (f->path, original, n, NULL));
      g_assert_cmpuint (entries_in (f), ==, 0);
    }
  g_assert_true (g_file_set_contents (f->path, original, length, NULL));
  g_assert_cmpuint (entries_in (f), ==, 2);
}

/* A FIFO (no hang), a symbolic link to a whole cache file and a folder are misses. */
static void
test_not_regular (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *real = g_build_filename (f->dir, "elsewhere.bin", NULL);

  g_assert_cmpint (g_rename (f->path, real), ==, 0);
  g_assert_cmpint (mkfifo (f->path, 0600), ==, 0);
  g_assert_cmpuint (entries_in (f), ==, 0);
  g_unlink (f->path);
  g_assert_cmpint (symlink (real, f->path), ==, 0);
  g_assert_cmpuint (entries_in (f), ==, 0);
  g_unlink (f->path);
  g_assert_cmpint (g_mkdir (f->path, 0700), ==, 0);
  g_assert_cmpuint (entries_in (f), ==, 0);
  g_rmdir (f->path);
  g_assert_cmpint (g_rename (real, f->path), ==, 0);
  g_assert_cmpuint (entries_in (f), ==, 2);
}

/* With a correct checksum but hostile WKB: 2 million points, nested
 * collections, a huge count, a non-finite coordinate; all refused at once. */
static void
test_hostile_wkb (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GByteArray) wkb = g_byte_array_new ();
  const double nan_bits = NAN;
  gint64 start;

  /* 2,000,000 points in one ring */
  g_byte_array_append (wkb, (const guint8 *) "\1", 1);
  append_u32 (wkb, 6);
  append_u32 (wkb, 1);
  g_byte_array_append (wkb, (const guint8 *) "\1", 1);
  append_u32 (wkb, 3);
  append_u32 (wkb, 1);
  append_u32 (wkb, 2000000);
  g_byte_array_set_size (wkb, wkb->len + 2000000 * 16);
  memset (wkb->data + wkb->len - 2000000 * 16, 0, 2000000 * 16);
  start = g_get_monotonic_time ();
  write_entry (f->path, wkb);
  g_assert_cmpuint (entries_in (f), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* 100,000 nested GeometryCollections */
  g_byte_array_set_size (wkb, 0);
  for (guint i = 0; i < 100000; i++)
    {
      g_byte_array_append (wkb, (const guint8 *) "\1", 1);
      append_u32 (wkb, 7);
      append_u32 (wkb, 1);
    }
  write_entry (f->path, wkb);
  g_assert_cmpuint (entries_in (f), ==, 0);

  /* a count of 4 billion polygons in a short entry */
  g_byte_array_set_size (wkb, 0);
  g_byte_array_append (wkb, (const guint8 *) "\1", 1);
  append_u32 (wkb, 6);
  append_u32 (wkb, 0xffffffff);
  write_entry (f->path, wkb);
  g_assert_cmpuint (entries_in (f), ==, 0);

  /* NaN in a ring */
  g_byte_array_set_size (wkb, 0);
  g_byte_array_append (wkb, (const guint8 *) "\1", 1);
  append_u32 (wkb, 6);
  append_u32 (wkb, 1);
  g_byte_array_append (wkb, (const guint8 *) "\1", 1);
  append_u32 (wkb, 3);
  append_u32 (wkb, 1);
  append_u32 (wkb, 4);
  for (guint i = 0; i < 8; i++)
    g_byte_array_append (wkb, (const guint8 *) &nan_bits, 8);
  g_assert_false (atlas_wkb_check_multipolygon (wkb->data, wkb->len, 100));
  /* the same ring with finite points is fine */
  memset (wkb->data + wkb->len - 64, 0, 64);
  g_assert_true (atlas_wkb_check_multipolygon (wkb->data, wkb->len, 100));
  g_assert_false (atlas_wkb_check_multipolygon (wkb->data, wkb->len, 3));
  g_assert_false (atlas_wkb_check_multipolygon (wkb->data, wkb->len - 1, 100));
}

/* Stale temporaries of killed writers are swept when the cache opens. */
static void
test_sweep (Fixture       *f,
            gconstpointer  data)
{
  pid_t dead = fork ();
  g_autofree char *name = NULL;
  g_autofree char *tmp = NULL;

  if (dead == 0)
    _exit (0);
  waitpid (dead, NULL, 0);
  name = g_strdup_printf (".%s.atlas-%d-AbC123", strrchr (f->path, '/') + 1, (int) dead);
  tmp = g_build_filename (f->dir, name, NULL);
  g_assert_true (g_file_set_contents (tmp, "half a cache", -1, NULL));
  g_assert_cmpuint (entries_in (f), ==, 2);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ctx = GEOS_init_r ();
  g_test_add ("/atlas/union-cache/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/atlas/union-cache/damage", Fixture, NULL, fixture_set_up, test_damage, fixture_tear_down);
  g_test_add ("/atlas/union-cache/not-regular", Fixture, NULL, fixture_set_up, test_not_regular, fixture_tear_down);
  g_test_add ("/atlas/union-cache/hostile-wkb", Fixture, NULL, fixture_set_up, test_hostile_wkb, fixture_tear_down);
  g_test_add ("/atlas/union-cache/sweep", Fixture, NULL, fixture_set_up, test_sweep, fixture_tear_down);
  status = g_test_run ();
  GEOS_finish_r (ctx);
  return status;
}
