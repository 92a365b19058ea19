/* test-fuzz.c — every reader against damaged copies of the shipped data
 *
 * Each shipped file is mutated deterministically (seeded: truncation, byte
 * flips, deep nesting, huge counts, wrong types) and given to its loader
 * in-process. Every case must end quickly without a crash, and a damaged
 * file must either be rejected with an error naming it or be loaded. The
 * base map and the union cache carry checksums, so every change to them
 * is rejected; the gazetteer, the plan, the aliases and the layers are
 * meant to be edited, so a mutation can yield a valid file (a digit
 * changed in a coordinate) that loads.
 * ATLAS_FUZZ_CASES sets the cases per reader (200 by default),
 * ATLAS_FUZZ_SEED the seed.
 */

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atlas-test-util.h"
#include "model/atlas-plan-index.h"
#include "model/atlas-geos-guard.h"
#include "model/atlas-union-cache.h"

#define CASE_SECONDS 10

typedef enum
{
  FORMAT_TSV,
  FORMAT_JSON,
  FORMAT_BIN,
} Format;

typedef struct
{
  guint rejected;
  guint loaded;
  guint unchanged;
  gint64 max_us;
} Counts;

static AtlasData *data;
static guint n_cases = 200;
static guint32 seed = 20261202;
static char *work_dir;

/* Mutations */

static void
flip_bytes (GRand      *rand,
            GByteArray *b)
{
  guint n = g_rand_int_range (rand, 1, 9);

  for (guint i = 0; i < n && b->len > 0; i++)
    b->data[g_rand_int_range (rand, 0, b->len)] ^= g_rand_int_range (rand, 1, 256);
}

static void
insert_at (GByteArray *b,
           guint       pos,
           const char *text,
           guint       times)
{
  g_autoptr(GByteArray) tail = g_byte_array_new ();

  g_byte_array_append (tail, b->data + pos, b->len - pos);
  g_byte_array_set_size (b, pos);
  for (guint i = 0; i < times; i++)
    g_byte_array_append (b, (const guint8 *) text, strlen (text));
  g_byte_array_append (b, tail->data, tail->len);
}

/* a position just after a random byte @c, or -1 */
static gint
random_after (GRand      *rand,
              GByteArray *b,
              char        c)
{
  guint start = g_rand_int_range (rand, 0, MAX (b->len, 1));

  for (guint k = 0; k < b->len; k++)
    {
      guint i = (start + k) % b->len;

      if (b->data[i] == (guint8) c)
        return i + 1;
    }
  return -1;
}

static void
nest (GRand      *rand,
      GByteArray *b,
      Format      format)
{
  guint pos = g_rand_int_range (rand, 0, b->len + 1);

  if (format == FORMAT_JSON)
    insert_at (b, pos, g_rand_boolean (rand) ? "[" : "{\"a\":", g_rand_int_range (rand, 100, 200000));
  else if (format == FORMAT_TSV)
    {
      gint line = random_after (rand, b, '\n');
      gint end;
      g_autofree char *row = NULL;

      if (line < 0)
        return;
      end = line;
      while ((guint) end < b->len && b->data[end] != '\n')
        end++;
      row = g_strndup ((const char *) b->data + line, end - line);
      /* 50,000 duplicated rows */
      {
        g_autofree char *with_newline = g_strconcat (row, "\n", NULL);
        insert_at (b, line, with_newline, 50000);
      }
    }
  else
    insert_at (b, pos, "\xff\xff\xff\x7f", g_rand_int_range (rand, 1, 64));
}

static void
huge_count (GRand      *rand,
            GByteArray *b,
            Format      format)
{
  const char *numbers[] = { "1e308", "-1e400", "99999999999999999999", "4294967295", "-0", "1e-320", "NaN" };

  if (format == FORMAT_BIN)
    {
      const guint32 values[] = { 0xffffffff, 0x7fffffff, 0x10000000, 0x80000000, 1000000 };
      guint32 v = values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))];
      guint pos = b->len >= 4 ? g_rand_int_range (rand, 0, MIN (b->len - 3, g_rand_boolean (rand) ? 64 : b->len - 3)) : 0;

      if (b->len >= 4)
        memcpy (b->data + (pos & ~3u), &v, 4);
      return;
    }
  /* a number replaced by a huge or odd one */
  for (guint tries = 0; tries < 64; tries++)
    {
      guint i = g_rand_int_range (rand, 0, MAX (b->len, 1));
      guint end = i;

      if (b->len == 0 || !g_ascii_isdigit (b->data[i]))
        continue;
      while (i > 0 && (g_ascii_isdigit (b->data[i - 1]) || b->data[i - 1] == '.' || b->data[i - 1] == '-'))
        i--;
      while (end < b->len && (g_ascii_isdigit (b->data[end]) || b->data[end] == '.'))
        end++;
      g_byte_array_remove_range (b, i, end - i);
      insert_at (b, i, numbers[g_rand_int_range (rand, 0, G_N_ELEMENTS (numbers))], 1);
      return;
    }
}

static void
wrong_type (GRand      *rand,
            GByteArray *b,
            Format      format)
{
  if (format == FORMAT_JSON)
    {
      /* a string value becomes a number, null, object or list */
      const char *values[] = { "42", "null", "{}", "[]", "true", "\"\"" };
      gint start = random_after (rand, b, ':');
      guint end;

      if (start < 0)
        return;
      while ((guint) start < b->len && b->data[start] == ' ')
        start++;
      end = start;
      if (end < b->len && b->data[end] == '"')
        {
          end++;
          while (end < b->len && b->data[end] != '"')
            end += b->data[end] == '\\' ? 2 : 1;
          end = MIN (end + 1, b->len);
        }
      else
        while (end < b->len && b->data[end] != ',' && b->data[end] != '}' && b->data[end] != ']')
          end++;
      g_byte_array_remove_range (b, start, end - start);
      insert_at (b, start, values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))], 1);
    }
  else if (format == FORMAT_TSV)
    {
      /* a field becomes text, a NUL byte, a control character or a tab more */
      const char *values[] = { "abc", "\0", "\t", "\x01", "1e999", "" };
      gint start = random_after (rand, b, '\t');
      guint which = g_rand_int_range (rand, 0, G_N_ELEMENTS (values));

      if (start < 0)
        return;
      if (which == 1)
        {
          insert_at (b, start, "x", 1);
          b->data[start] = '\0';
        }
      else
        insert_at (b, start, values[which], 1);
    }
  else if (b->len >= 8)
    {
      /* the magic or a header word of another file */
      guint pos = g_rand_int_range (rand, 0, MIN (b->len, 32) - 3);
      memcpy (b->data + pos, "ATLB", 4);
    }
}

static GBytes *
mutate (GBytes *original,
        Format  format,
        guint   index)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed + index * 7919);
  gsize size;
  const guint8 *bytes = g_bytes_get_data (original, &size);
  GByteArray *b = g_byte_array_sized_new (size);

  g_byte_array_append (b, bytes, size);
  switch (index % 5)
    {
    case 0:
      g_byte_array_set_size (b, g_rand_int_range (rand, 0, MAX (size, 1)));
      break;
    case 1:
      flip_bytes (rand, b);
      break;
    case 2:
      nest (rand, b, format);
      break;
    case 3:
      huge_count (rand, b, format);
      break;
    default:
      wrong_type (rand, b, format);
      break;
    }
  return g_byte_array_free_to_bytes (b);
}

/* Readers */

typedef gboolean (*LoadFunc) (GBytes      *bytes,
                              const char  *name,
                              GError     **error);

static gboolean
load_gazetteer (GBytes      *bytes,
                const char  *name,
                GError     **error)
{
  g_autoptr(AtlasGazetteer) g = atlas_gazetteer_new_from_bytes (bytes, name, error);
  return g != NULL;
}

static gboolean
load_plan (GBytes      *bytes,
           const char  *name,
           GError     **error)
{
  g_autoptr(AtlasPlan) p = atlas_plan_new_from_bytes (bytes, name, error);
  return p != NULL;
}

static gboolean
load_aliases (GBytes      *bytes,
              const char  *name,
              GError     **error)
{
  g_autoptr(AtlasPlanIndex) index = atlas_plan_index_new (data, bytes, error);
  return index != NULL;
}

/* Writes @bytes as @name into the work folder and loads that folder. */
static void
write_work_file (const char *sub,
                 const char *name,
                 GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (work_dir, sub, name, NULL);
  gsize size;
  const char *d = g_bytes_get_data (bytes, &size);

  g_assert_true (g_file_set_contents (path, d, size, NULL));
}

static gboolean
load_layer (GBytes      *bytes,
            const char  *name,
            GError     **error)
{
  g_autofree char *dir_path = g_build_filename (work_dir, "layers", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GFile) cache_dir = atlas_data_get_cache_dir ();
  g_autoptr(AtlasOverlays) overlays = NULL;

  write_work_file ("layers", name, bytes);
  overlays = atlas_overlays_new_from_directory (dir, data->basemap, data->gazetteer, data->plan, cache_dir, NULL,
                                                error);
  {
    g_autofree char *path = g_build_filename (dir_path, name, NULL);
    g_unlink (path);
  }
  return overlays != NULL;
}

static gboolean
load_basemap_file (GBytes      *bytes,
                   const char  *name,
                   GError     **error)
{
  g_autofree char *dir_path = g_build_filename (work_dir, "basemap", NULL);
  g_autofree char *source = g_build_filename (ATLAS_SOURCE_BASEMAP_DIR, name, NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(AtlasBasemap) basemap = NULL;
  g_autofree char *original = NULL;
  gsize size;

  write_work_file ("basemap", name, bytes);
  basemap = atlas_basemap_new_from_directory (dir, error);
  g_assert_true (g_file_get_contents (source, &original, &size, NULL));
  {
    g_autoptr(GBytes) back = g_bytes_new_take (g_steal_pointer (&original), size);
    write_work_file ("basemap", name, back);
  }
  /* an optional file (relief, railways, built-up areas, stations) that is
   * refused costs only itself: the rest loads, with a problem naming it */
  if (basemap != NULL && atlas_basemap_get_problems (basemap)->len > 0)
    {
      GPtrArray *problems = atlas_basemap_get_problems (basemap);

      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, problems->pdata[0]);
      return FALSE;
    }
  return basemap != NULL;
}

static gboolean
load_cache (GBytes      *bytes,
            const char  *name,
            GError     **error)
{
  AtlasUnionCache *cache;
  guint n;

  write_work_file ("cache", name, bytes);
  {
    g_autofree char *dir = g_build_filename (work_dir, "cache", NULL);
    g_autofree char *digest = g_strndup (name + strlen ("unions-v2-"), 16);

    cache = atlas_union_cache_open (dir, digest);
  }
  n = atlas_union_cache_get_n_entries (cache);
  atlas_union_cache_close (cache);
  /* a damaged cache is a miss, never an error: "rejected" means empty */
  if (n == 0)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: a cache miss", name);
  return n > 0;
}

/* Runs @n cases of @load over @names (relative to @source_dir), round robin. */
static void
run_reader (const char  *reader,
            const char  *source_dir,
            const char **names,
            Format       format,
            LoadFunc     load,
            gboolean     checksummed)
{
  Counts counts = { 0 };
  guint n_names = g_strv_length ((char **) names);

  for (guint i = 0; i < n_cases; i++)
    {
      const char *name = names[i % n_names];
      g_autofree char *path = g_build_filename (source_dir, name, NULL);
      g_autofree char *base = g_path_get_basename (name);
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) original = NULL;
      g_autoptr(GBytes) damaged = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;
      gboolean ok;
      gsize size;

      g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
      original = g_bytes_new_take (g_steal_pointer (&contents), size);
      damaged = mutate (original, format, i);
      start = g_get_monotonic_time ();
      ok = load (damaged, base, &error);
      counts.max_us = MAX (counts.max_us, g_get_monotonic_time () - start);
      if (g_get_monotonic_time () - start > CASE_SECONDS * G_USEC_PER_SEC)
        g_error ("%s case %u (%s, mutation %u) took %.1f s", reader, i, name, i % 5,
                 (g_get_monotonic_time () - start) / 1e6);
      if (g_bytes_equal (damaged, original))
        counts.unchanged++;
      else if (ok)
        counts.loaded++;
      else
        {
          if (strstr (error->message, base) == NULL)
            g_error ("%s case %u: the error does not name %s: %s", reader, i, base, error->message);
          counts.rejected++;
        }
    }
  g_test_message ("%s: %u cases: %u rejected naming the file, %u loaded as valid, %u unchanged; "
                  "slowest %.0f ms", reader, n_cases, counts.rejected, counts.loaded, counts.unchanged,
                  counts.max_us / 1000.0);
  g_print ("# fuzz %s: cases=%u rejected=%u loaded=%u unchanged=%u slowest_ms=%.0f\n", reader, n_cases,
           counts.rejected, counts.loaded, counts.unchanged, counts.max_us / 1000.0);
  g_assert_cmpuint (counts.rejected + counts.loaded + counts.unchanged, ==, n_cases);
  if (checksummed)
    g_assert_cmpuint (counts.loaded, ==, 0);
  g_assert_cmpuint (counts.rejected, >, 0);
}

static void
test_gazetteer (void)
{
  const char *names[] = { "gazetteer.tsv", NULL };
  run_reader ("gazetteer", ATLAS_SOURCE_MAPS_DIR, names, FORMAT_TSV, load_gazetteer, FALSE);
}

static void
test_plan (void)
{
  const char *names[] = { "plan/plan.json", NULL };
  run_reader ("plan", ATLAS_SOURCE_MAPS_DIR, names, FORMAT_JSON, load_plan, FALSE);
}

static void
test_aliases (void)
{
  const char *names[] = { "plan/aliases.json", NULL };
  run_reader ("aliases", ATLAS_SOURCE_MAPS_DIR, names, FORMAT_JSON, load_aliases, FALSE);
}

static char **
list_files (const char *dir,
            const char *suffix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, suffix))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static void
test_layers (void)
{
  g_autofree char *dir = g_build_filename (ATLAS_SOURCE_MAPS_DIR, "layers", NULL);
  g_auto(GStrv) names = list_files (dir, ".json");

  run_reader ("layers", dir, (const char **) names, FORMAT_JSON, load_layer, FALSE);
}

static void
test_basemap (void)
{
  g_auto(GStrv) bins = list_files (ATLAS_SOURCE_BASEMAP_DIR, ".bin");
  /* the tables the loader reads (prefectures.tsv is for the tools) */
  const char *tables[] = { "counties.tsv", "labels.tsv", NULL };
  g_autofree char *target = g_build_filename (work_dir, "basemap", NULL);
  g_auto(GStrv) all = list_files (ATLAS_SOURCE_BASEMAP_DIR, "");

  /* the work copy of the base map, one file damaged at a time */
  g_assert_cmpint (g_mkdir (target, 0755), ==, 0);
  for (guint i = 0; all[i] != NULL; i++)
    {
      g_autofree char *from = g_build_filename (ATLAS_SOURCE_BASEMAP_DIR, all[i], NULL);
      g_autofree char *to = g_build_filename (target, all[i], NULL);
      g_autofree char *contents = NULL;
      gsize size;

      g_assert_true (g_file_get_contents (from, &contents, &size, NULL));
      g_assert_true (g_file_set_contents (to, contents, size, NULL));
    }
  run_reader ("basemap-bin", ATLAS_SOURCE_BASEMAP_DIR, (const char **) bins, FORMAT_BIN, load_basemap_file, TRUE);
  run_reader ("basemap-tsv", ATLAS_SOURCE_BASEMAP_DIR, tables, FORMAT_TSV, load_basemap_file, TRUE);
}

/* The union cache of the shipped layers, written by loading them. */
static void
test_union_cache (void)
{
  g_autofree char *dir = g_build_filename (work_dir, "cache", NULL);
  g_autofree char *source = g_build_filename (work_dir, "cache-source", NULL);
  g_auto(GStrv) names = list_files (source, ".bin");

  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  run_reader ("union-cache", source, (const char **) names, FORMAT_BIN, load_cache, TRUE);
}

/* A layer file with one zone feature whose geometry member is @geometry */
static GBytes *
layer_with (const char *geometry)
{
  g_autofree char *text = g_strdup_printf (
    "{\"id\": \"mini\", \"name_zh\": \"测试\", \"name_en\": \"Test\", \"order\": 1,"
    " \"plan_refs\": [\"2.5\"], \"layers\": [{\"id\": \"mini.zones\", \"name_zh\": \"测试图层\","
    " \"name_en\": \"Test layer\", \"plan_refs\": [\"2.5\"], \"style\": {\"kind\": \"zone\","
    " \"classes\": {\"zone\": {\"name_zh\": \"区\", \"name_en\": \"Zone\", \"fill\": \"#11223380\","
    " \"stroke\": \"#112233\", \"stroke_width\": 1.5}}}, \"features\": [{\"id\": \"hostile\","
    " \"name_zh\": \"要素\", \"name_en\": \"Feature\", \"class\": \"zone\", \"plan_refs\": [\"4.1.2\"],"
    " %s}]}]}", geometry);

  return g_bytes_new (text, strlen (text));
}

static void
assert_rejected_fast (LoadFunc    load,
                      GBytes     *bytes,
                      const char *name,
                      const char *why)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (load (bytes, name, &error));
  g_test_message ("%.1f s: %s", (g_get_monotonic_time () - start) / 1e6, error->message);
  g_assert_cmpint (g_get_monotonic_time () - start, <, CASE_SECONDS * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_nonnull (strstr (error->message, why));
}

/* The inputs that used to hang: a spiky self-crossing polygon, a county
 * list of 20,000 duplicates, 50,000 duplicated gazetteer rows. */
static void
test_hostile (void)
{
  g_autoptr(GString) ring = g_string_new ("\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[");
  g_autoptr(GString) codes = g_string_new ("\"counties\": [");
  g_autoptr(GString) rows = NULL;
  g_autoptr(GBytes) spiky = NULL;
  g_autoptr(GBytes) duplicates = NULL;
  g_autoptr(GBytes) gazetteer = NULL;
  g_autofree char *contents = NULL;
  gsize size;

  for (guint i = 0; i <= 5000; i++)
    {
      double a = (i % 5000) * 2 * G_PI * 0.381966 * 7, r = (i % 2) ? 0.05 : 0.2;
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (ring, "%s[%s, %s]", i ? ", " : "",
                              g_ascii_formatd (x, sizeof x, "%.6f", 116.6 + r * cos (a)),
                              g_ascii_formatd (y, sizeof y, "%.6f", 39.9 + r * sin (a)));
    }
  g_string_append (ring, "]]}");
  spiky = layer_with (ring->str);
  assert_rejected_fast (load_layer, spiky, "spiky.json", "crosses itself");

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (codes, "%s\"131082\"", i ? ", " : "");
  g_string_append (codes, "]");
  duplicates = layer_with (codes->str);
  assert_rejected_fast (load_layer, duplicates, "duplicates.json", "more than");

  g_assert_true (g_file_get_contents (ATLAS_SOURCE_MAPS_DIR "/gazetteer.tsv", &contents, &size, NULL));
  rows = g_string_new_len (contents, size);
  for (guint i = 0; i < 50000; i++)
    g_string_append (rows, "dup\t重复\tDuplicate\tcity_centre\t116.4\t39.9\t110101\t2.3\texact\n");
  gazetteer = g_bytes_new (rows->str, rows->len);
  assert_rejected_fast (load_gazetteer, gazetteer, "gazetteer.tsv", "more than");
}


/* The time guard interrupts this thread's GEOS work once its time is up, and only then. */
static void
test_geos_guard (void)
{
  GEOSContextHandle_t ctx = GEOS_init_r ();
  GEOSCoordSequence *seq = GEOSCoordSeq_create_r (ctx, 1001, 2);
  GEOSGeometry *spiky, *square, *result;
  gint64 start;

  for (guint i = 0; i <= 1000; i++)
    {
      guint k = i % 1000;
      double a = k * 2 * G_PI * 0.381966 * 7, r = (k % 2) ? 0.05 : 0.2;

      GEOSCoordSeq_setXY_r (ctx, seq, i, 116.6 + r * cos (a), 39.9 + r * sin (a));
    }
  spiky = GEOSGeom_createPolygon_r (ctx, GEOSGeom_createLinearRing_r (ctx, seq), NULL, 0);
  start = g_get_monotonic_time ();
  atlas_geos_guard_begin (0.5);
  result = GEOSMakeValid_r (ctx, spiky);
  g_assert_true (atlas_geos_guard_end ());
  g_assert_null (result);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* in time: not interrupted */
  seq = GEOSCoordSeq_create_r (ctx, 5, 2);
  for (guint i = 0; i < 5; i++)
    GEOSCoordSeq_setXY_r (ctx, seq, i, (i == 1 || i == 2) ? 1 : 0, (i == 2 || i == 3) ? 1 : 0);
  square = GEOSGeom_createPolygon_r (ctx, GEOSGeom_createLinearRing_r (ctx, seq), NULL, 0);
  atlas_geos_guard_begin (5);
  result = GEOSMakeValid_r (ctx, square);
  g_assert_false (atlas_geos_guard_end ());
  g_assert_nonnull (result);
  GEOSGeom_destroy_r (ctx, result);
  GEOSGeom_destroy_r (ctx, square);
  GEOSGeom_destroy_r (ctx, spiky);
  GEOS_finish_r (ctx);
}

int
main (int   argc,
      char *argv[])
{
  const char *cases = g_getenv ("ATLAS_FUZZ_CASES");
  const char *seed_text = g_getenv ("ATLAS_FUZZ_SEED");
  g_autofree char *layers = NULL;
  g_autofree char *cache_source = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (cases != NULL)
    n_cases = MAX (1, atoi (cases));
  if (seed_text != NULL)
    seed = strtoul (seed_text, NULL, 10);
  work_dir = g_dir_make_tmp ("atlas-fuzz-XXXXXX", NULL);
  layers = g_build_filename (work_dir, "layers", NULL);
  cache_source = g_build_filename (work_dir, "cache-source", NULL);
  g_assert_cmpint (g_mkdir (layers, 0755), ==, 0);
  /* a cache of our own: the mutated layers add unions to it */
  g_setenv ("ATLAS_CACHE_DIR", cache_source, TRUE);
  data = atlas_test_load_data ();
  g_test_message ("seed %u, %u cases per reader", seed, n_cases);

  g_test_add_func ("/atlas/fuzz/gazetteer", test_gazetteer);
  g_test_add_func ("/atlas/fuzz/plan", test_plan);
  g_test_add_func ("/atlas/fuzz/aliases", test_aliases);
  g_test_add_func ("/atlas/fuzz/basemap", test_basemap);
  g_test_add_func ("/atlas/fuzz/union-cache", test_union_cache);
  g_test_add_func ("/atlas/fuzz/layers", test_layers);
  g_test_add_func ("/atlas/fuzz/hostile", test_hostile);
  g_test_add_func ("/atlas/fuzz/geos-guard", test_geos_guard);
  status = g_test_run ();
  atlas_data_unref (data);
  atlas_test_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
