/* atlas-basemap.c — the offline base map's vector data
 *
 * File format (maps/README.md): "<layer>.<band>.bin", little-endian,
 *   header: "ATBM", u16 version, u16 geometry type, u32 features, u32 points
 *   feature: u16 kind, u16 reserved, u32 code, i32 bbox[4] (µ°), u32 parts,
 *            then per part u32 points and the points as i32 (lon, lat) µ°.
 * "relief.bin": "ATRL", u16 version, u16 zoom, u32 x0, y0, width, height,
 *   then width × height bytes. "stations.tsv": name_zh lon lat.
 *
 * The railways, built-up areas, relief and stations are optional: when one
 * of their files is missing or damaged, that part stays empty, the rest
 * loads and the error is kept in the problems.
 */



#include "atlas-basemap.h"
#include "atlas-data-error.h"

#include <math.h>
#include <string.h>

#define HEADER_SIZE 16
#define FEATURE_HEADER_SIZE 28
#define MAX_POINTS (64u * 1024 * 1024)
#define RELIEF_HEADER_SIZE 24
#define RELIEF_MAX_SIDE 8192
#define STATION_MIN_ZOOM 11
#define STATION_RANK 5
#define STATION_MAX_ZOOM 30

struct _AtlasBasemap
{
  GObject         parent_instance;

  AtlasGeomLayer  layers[ATLAS_N_LAYERS][ATLAS_N_BANDS];
  GArray         *labels;     /* AtlasLabel */
  GArray         *counties;   /* AtlasCounty */
  GHashTable     *county_index;
  gboolean        empty;
  GBytes         *relief_bytes;
  AtlasRelief     relief;
  GArray         *stations;   /* AtlasStation */
  GPtrArray      *problems;   /* of the optional parts */
};

G_DEFINE_TYPE (AtlasBasemap, atlas_basemap, G_TYPE_OBJECT)
G_DEFINE_QUARK (atlas-basemap-error-quark, atlas_basemap_error)

static const char *layer_names[ATLAS_N_LAYERS] = {
  [ATLAS_LAYER_LAND] = "land",
  [ATLAS_LAYER_PROVINCES] = "provinces",
  [ATLAS_LAYER_PREFECTURES] = "prefectures",
  [ATLAS_LAYER_COUNTIES] = "counties",
  [ATLAS_LAYER_LAKES] = "lakes",
  [ATLAS_LAYER_RIVERS] = "rivers",
  [ATLAS_LAYER_BORDERS] = "borders",
  [ATLAS_LAYER_COAST] = "coast",
  [ATLAS_LAYER_RAILWAYS] = "railways",
  [ATLAS_LAYER_URBAN] = "urban",
};

/* Bands of the optional layers (the core layers have all four). */
static const struct { AtlasLayerId layer; guint first, last; } optional_layers[] = {
  { ATLAS_LAYER_RAILWAYS, 1, 3 },
  { ATLAS_LAYER_URBAN, 0, 2 },
};

typedef GBytes *(*ReadFunc) (gpointer      data,
                             const char   *name,
                             GError      **error);

/* Reading helpers */

typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         pos;
} Reader;

static gboolean
reader_has (Reader *r,
            gsize   n)
{
  return r->size - r->pos >= n;
}

static guint32
read_u32 (Reader *r)
{
  guint32 v;

  memcpy (&v, r->data + r->pos, 4);
  r->pos += 4;
  return GUINT32_FROM_LE (v);
}

static guint16
read_u16 (Reader *r)
{
  guint16 v;

  memcpy (&v, r->data + r->pos, 2);
  r->pos += 2;
  return GUINT16_FROM_LE (v);
}

static gint32
read_i32 (Reader *r)
{
  return (gint32) read_u32 (r);
}

static gboolean
lonlat_valid (gint32 lon_e6,
              gint32 lat_e6)
{
  return lon_e6 >= -180000000 && lon_e6 <= 180000000 && lat_e6 >= -85000000 && lat_e6 <= 85000000;
}

static void
world_from_e6 (gint32      lon_e6,
               gint32      lat_e6,
               AtlasPoint *p)
{
  p->x = atlas_geo_lon_to_world_x (lon_e6 / 1e6);
  p->y = atlas_geo_lat_to_world_y (lat_e6 / 1e6);
}

static void
geom_layer_clear (AtlasGeomLayer *layer)
{
  g_clear_pointer (&layer->features, g_free);
  g_clear_pointer (&layer->parts, g_free);
  g_clear_pointer (&layer->points, g_free);
  layer->n_features = layer->n_parts = layer->n_points = 0;
}

static gboolean
corrupt (GError    **error,
         const char *name,
         const char *what)
{
  g_set_error (error, ATLAS_BASEMAP_ERROR, ATLAS_BASEMAP_ERROR_CORRUPT,
               "%s: %s", name, what);
  return FALSE;
}

static gboolean
parse_geom_layer (GBytes          *bytes,
                  const char      *name,
                  AtlasGeomLayer  *layer,
                  GError         **error)
{
  Reader r = { 0 };
  guint16 version, geom_type;
  guint32 n_features, n_points_total;
  g_autoptr(GArray) parts = g_array_new (FALSE, FALSE, sizeof (AtlasPart));
  guint points_used = 0;

  r.data = g_bytes_get_data (bytes, &r.size);

  if (!reader_has (&r, HEADER_SIZE) || memcmp (r.data, "ATBM", 4) != 0)
    return corrupt (error, name, "not a base-map geometry file (bad header)");
  r.pos = 4;
  version = read_u16 (&r);
  geom_type = read_u16 (&r);
  n_features = read_u32 (&r);
  n_points_total = read_u32 (&r);

  if (version != 1)
    return corrupt (error, name, "unsupported format version");
  if (geom_type != 1 && geom_type != 2)
    return corrupt (error, name, "unknown geometry type");
  if (n_points_total > MAX_POINTS || (gsize) n_points_total * 8 > r.size
      || (gsize) n_features * FEATURE_HEADER_SIZE > r.size)
    return corrupt (error, name, "counts exceed the file size");

  layer->polygons = geom_type == 1;
  layer->n_features = n_features;
  layer->features = g_new0 (AtlasFeature, MAX (n_features, 1));
  layer->points = g_new (AtlasPoint, MAX (n_points_total, 1));

  for (guint i = 0; i < n_features; i++)
    {
      AtlasFeature *f = &layer->features[i];
      guint32 n_parts;
      gint32 bbox[4];

      if (!reader_has (&r, FEATURE_HEADER_SIZE))
        return corrupt (error, name, "truncated feature header");

      f->kind = read_u16 (&r);
      read_u16 (&r);
      f->code = read_u32 (&r);
      for (guint k = 0; k < 4; k++)
        bbox[k] = read_i32 (&r);
      n_parts = read_u32 (&r);

      if (!lonlat_valid (bbox[0], bbox[1]) || !lonlat_valid (bbox[2], bbox[3])
          || bbox[0] > bbox[2] || bbox[1] > bbox[3])
        return corrupt (error, name, "feature bounding box out of range");
      if (n_parts == 0 || (gsize) n_parts * 4 > r.size - r.pos)
        return corrupt (error, name, "bad part count");

      /* y grows southwards in world coordinates. */
      f->bbox.x0 = atlas_geo_lon_to_world_x (bbox[0] / 1e6);
      f->bbox.x1 = atlas_geo_lon_to_world_x (bbox[2] / 1e6);
      f->bbox.y0 = atlas_geo_lat_to_world_y (bbox[3] / 1e6);
      f->bbox.y1 = atlas_geo_lat_to_world_y (bbox[1] / 1e6);
      f->first_part = parts->len;
      f->n_parts = n_parts;

      for (guint p = 0; p < n_parts; p++)
        {
          AtlasPart part = { { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE }, points_used, 0 };
          guint32 n_points;

          if (!reader_has (&r, 4))
            return corrupt (error, name, "truncated part");
          n_points = read_u32 (&r);
          if (n_points < (layer->polygons ? 3u : 2u)
              || n_points > n_points_total - points_used
              || !reader_has (&r, (gsize) n_points * 8))
            return corrupt (error, name, "bad point count");

          for (guint k = 0; k < n_points; k++)
            {
              gint32 lon = read_i32 (&r);
              gint32 lat = read_i32 (&r);
              AtlasPoint *pt = &layer->points[points_used + k];

              if (!lonlat_valid (lon, lat))
                return corrupt (error, name, "coordinate out of range");
              world_from_e6 (lon, lat, pt);
              part.bbox.x0 = MIN (part.bbox.x0, pt->x);
              part.bbox.y0 = MIN (part.bbox.y0, pt->y);
              part.bbox.x1 = MAX (part.bbox.x1, pt->x);
              part.bbox.y1 = MAX (part.bbox.y1, pt->y);
            }

          part.n_points = n_points;
          points_used += n_points;
          g_array_append_val (parts, part);
        }
    }

  if (r.pos != r.size)
    return corrupt (error, name, "trailing data after the last feature");
  if (points_used != n_points_total)
    return corrupt (error, name, "point count does not match the header");

  layer->n_points = points_used;
  layer->n_parts = parts->len;
  layer->parts = (AtlasPart *) g_array_free (g_steal_pointer (&parts), FALSE);

  return TRUE;
}

/* TSV tables */

static gboolean
parse_uint (const char *s,
            guint64     max,
            guint64    *out)
{
  return g_ascii_string_to_unsigned (s, 10, 0, max, out, NULL);
}

static gboolean
parse_double (const char *s,
              double     *out)
{
  char *end = NULL;

  if (*s == '\0')
    return FALSE;
  *out = g_ascii_strtod (s, &end);
  return end != NULL && *end == '\0' && isfinite (*out);
}

/* Splits @bytes into rows of exactly @n_columns fields, skipping the header
 * line; calls @row_cb for each row. */
typedef gboolean (*RowFunc) (AtlasBasemap  *self,
                             char         **fields);

static gboolean
parse_table (AtlasBasemap  *self,
             GBytes        *bytes,
             const char    *name,
             guint          n_columns,
             RowFunc        row_cb,
             GError       **error)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = g_strndup (data, size);
  g_auto(GStrv) lines = NULL;

  if (!atlas_check_text (data, size, name, ATLAS_BASEMAP_ERROR, ATLAS_BASEMAP_ERROR_CORRUPT, error))
    return FALSE;

  if (!atlas_check_rows (data, size, name, ATLAS_BASEMAP_ERROR, ATLAS_BASEMAP_ERROR_CORRUPT, error))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  if (lines[0] == NULL || lines[0][0] == '\0')
    return corrupt (error, name, "empty table");

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;

      g_strchomp (lines[i]);
      if (lines[i][0] == '\0')
        continue;

      fields = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (fields) != n_columns || !row_cb (self, fields))
        {
          g_set_error (error, ATLAS_BASEMAP_ERROR, ATLAS_BASEMAP_ERROR_CORRUPT,
                       "%s: line %u is malformed", name, i + 1);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
label_kind_from_string (const char     *s,
                        AtlasLabelKind *kind)
{
  static const struct { const char *name; AtlasLabelKind kind; } kinds[] = {
    { "sea", ATLAS_LABEL_SEA },
    { "province", ATLAS_LABEL_PROVINCE },
    { "prefecture", ATLAS_LABEL_PREFECTURE },
    { "county", ATLAS_LABEL_COUNTY },
    { "place", ATLAS_LABEL_PLACE },
    { "relief", ATLAS_LABEL_RELIEF },
    { "water", ATLAS_LABEL_WATER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (s, kinds[i].name))
      {
        *kind = kinds[i].kind;
        return TRUE;
      }
  return FALSE;
}

/* kind rank minzoom maxzoom lon lat code name_zh name_en */
static gboolean
label_row_cb (AtlasBasemap  *self,
              char         **f)
{
  AtlasLabel label = { 0 };
  guint64 rank, min_zoom, max_zoom, code = 0;

  if (!label_kind_from_string (f[0], &label.kind)
      || !parse_uint (f[1], 100, &rank)
      || !parse_uint (f[2], 30, &min_zoom)
      || !parse_uint (f[3], 30, &max_zoom)
      || !parse_double (f[4], &label.lon) || !parse_double (f[5], &label.lat)
      || (f[6][0] != '\0' && !parse_uint (f[6], G_MAXUINT32, &code))
      || f[7][0] == '\0'
      || fabs (label.lon) > 180 || fabs (label.lat) > 85)
    return FALSE;

  label.rank = rank;
  label.min_zoom = min_zoom;
  label.max_zoom = max_zoom;
  label.code = code;
  label.world.x = atlas_geo_lon_to_world_x (label.lon);
  label.world.y = atlas_geo_lat_to_world_y (label.lat);
  label.name_zh = g_strdup (f[7]);
  label.name_en = g_strdup (f[8]);
  g_array_append_val (self->labels, label);

  return TRUE;
}

/* code name_zh name_en prefecture_code prefecture_zh province_code province_zh
 * area_km2 label_lon label_lat status */
static gboolean
county_row_cb (AtlasBasemap  *self,
               char         **f)
{
  AtlasCounty c = { 0 };
  guint64 code, pcode, prcode;

  if (!parse_uint (f[0], 999999, &code) || !parse_uint (f[3], 999999, &pcode)
      || !parse_uint (f[5], 999999, &prcode)
      || !parse_double (f[7], &c.area_km2)
      || !parse_double (f[8], &c.label_lon) || !parse_double (f[9], &c.label_lat)
      || f[1][0] == '\0')
    return FALSE;

  c.code = code;
  c.prefecture_code = pcode;
  c.province_code = prcode;
  c.name_zh = g_strdup (f[1]);
  c.name_en = g_strdup (f[2]);
  c.prefecture_zh = g_strdup (f[4]);
  c.province_zh = g_strdup (f[6]);
  g_array_append_val (self->counties, c);

  return TRUE;
}

/* name_zh lon lat */
static gboolean
station_row_cb (AtlasBasemap  *self,
                char         **f)
{
  AtlasStation st = { 0 };

  if (f[0][0] == '\0' || !parse_double (f[1], &st.lon) || !parse_double (f[2], &st.lat)
      || fabs (st.lon) > 180 || fabs (st.lat) > 85)
    return FALSE;

  st.name_zh = g_strdup (f[0]);
  st.world.x = atlas_geo_lon_to_world_x (st.lon);
  st.world.y = atlas_geo_lat_to_world_y (st.lat);
  g_array_append_val (self->stations, st);
  return TRUE;
}

static gboolean
parse_relief (AtlasBasemap  *self,
              GBytes        *bytes,
              const char    *name,
              GError       **error)
{
  Reader r = { 0 };
  guint16 version, zoom;
  guint32 x0, y0, width, height;

  r.data = g_bytes_get_data (bytes, &r.size);
  if (!reader_has (&r, RELIEF_HEADER_SIZE) || memcmp (r.data, "ATRL", 4) != 0)
    return corrupt (error, name, "not a relief file (bad header)");
  r.pos = 4;
  version = read_u16 (&r);
  zoom = read_u16 (&r);
  x0 = read_u32 (&r);
  y0 = read_u32 (&r);
  width = read_u32 (&r);
  height = read_u32 (&r);

  if (version != 1)
    return corrupt (error, name, "unsupported format version");
  if (zoom > 16 || width == 0 || height == 0 || width > RELIEF_MAX_SIDE || height > RELIEF_MAX_SIDE
      || (guint64) x0 + width > (256u << zoom) || (guint64) y0 + height > (256u << zoom))
    return corrupt (error, name, "grid out of range");
  if ((gsize) width * height != r.size - RELIEF_HEADER_SIZE)
    return corrupt (error, name, "size does not match the grid");

  self->relief_bytes = g_bytes_ref (bytes);
  self->relief = (AtlasRelief) { zoom, x0, y0, width, height, r.data + RELIEF_HEADER_SIZE };
  return TRUE;
}

static void
clear_station (gpointer data)
{
  AtlasStation *st = data;

  g_free (st->name_zh);
}

static void
clear_label (gpointer data)
{
  AtlasLabel *label = data;

  g_free (label->name_zh);
  g_free (label->name_en);
}

static void
clear_county (gpointer data)
{
  AtlasCounty *c = data;

  g_free (c->name_zh);
  g_free (c->name_en);
  g_free (c->prefecture_zh);
  g_free (c->province_zh);
}

/* SHA256SUMS (written by tools/write-basemap-manifest.py): file name →
 * hex digest; NULL when there is none (a folder from an older build). */
static GHashTable *
read_manifest (ReadFunc  read,
               gpointer  data)
{
  g_autoptr(GBytes) bytes = read (data, "SHA256SUMS", NULL);
  g_autoptr(GHashTable) sums = NULL;
  g_auto(GStrv) lines = NULL;
  gsize size;
  const char *text;

  if (bytes == NULL)
    return NULL;
  text = g_bytes_get_data (bytes, &size);
  sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    g_autofree char *copy = g_strndup (text, size);
    lines = g_strsplit (copy, "\n", ATLAS_MAX_TABLE_ROWS);
  }
  for (guint i = 0; lines[i] != NULL; i++)
    if (strlen (lines[i]) > 66 && lines[i][64] == ' ' && lines[i][65] == ' ')
      g_hash_table_insert (sums, g_strdup (lines[i] + 66), g_strndup (lines[i], 64));
  return g_steal_pointer (&sums);
}

/* Reads @name and checks it against the manifest, if it is listed there. */
static GBytes *
read_checked (GHashTable  *sums,
              ReadFunc     read,
              gpointer     data,
              const char  *name,
              GError     **error)
{
  g_autoptr(GBytes) bytes = read (data, name, error);
  const char *expected = sums != NULL && bytes != NULL ? g_hash_table_lookup (sums, name) : NULL;
  g_autofree char *actual = NULL;

  if (expected == NULL)
    return g_steal_pointer (&bytes);
  actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_ascii_strcasecmp (actual, expected) != 0)
    {
      corrupt (error, name, "damaged: it does not match its checksum in SHA256SUMS");
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

static gboolean
has_header (GBytes      *bytes,
            const char  *header,
            const char  *name,
            GError     **error)
{
  gsize size, n = strlen (header);
  const char *data = g_bytes_get_data (bytes, &size);

  if (size < n || memcmp (data, header, n) != 0)
    return corrupt (error, name, "not the expected table (bad header line)");
  return TRUE;
}

static void
add_problem (AtlasBasemap *self,
             GError      **error)
{
  g_ptr_array_add (self->problems, g_strdup ((*error)->message));
  g_clear_error (error);
}

/* The optional parts: each that fails is left empty and named in the
 * problems. */
static void
load_optional (AtlasBasemap *self,
               GHashTable   *sums,
               ReadFunc      read,
               gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) relief = NULL;
  g_autoptr(GBytes) stations = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (optional_layers); i++)
    for (guint b = optional_layers[i].first; b <= optional_layers[i].last; b++)
      {
        AtlasLayerId l = optional_layers[i].layer;
        g_autofree char *name = g_strdup_printf ("%s.%u.bin", layer_names[l], b);
        g_autoptr(GBytes) bytes = read_checked (sums, read, data, name, &error);

        if (bytes == NULL || !parse_geom_layer (bytes, name, &self->layers[l][b], &error))
          {
            add_problem (self, &error);
            for (guint k = 0; k < ATLAS_N_BANDS; k++)
              geom_layer_clear (&self->layers[l][k]);
            break;
          }
      }

  if (!(relief = read_checked (sums, read, data, "relief.bin", &error))
      || !parse_relief (self, relief, "relief.bin", &error))
    add_problem (self, &error);

  if (!(stations = read_checked (sums, read, data, "stations.tsv", &error))
      || !has_header (stations, "name_zh\tlon\tlat\n", "stations.tsv", &error)
      || !parse_table (self, stations, "stations.tsv", 3, station_row_cb, &error))
    {
      add_problem (self, &error);
      g_array_set_size (self->stations, 0);
    }

  /* station names join the labels, below everything else */
  for (guint i = 0; i < self->stations->len; i++)
    {
      const AtlasStation *st = &g_array_index (self->stations, AtlasStation, i);
      AtlasLabel label = { ATLAS_LABEL_STATION, STATION_RANK, STATION_MIN_ZOOM, STATION_MAX_ZOOM,
                           st->lon, st->lat, st->world, 0, g_strdup (st->name_zh), g_strdup (""),
                           FALSE, 0, 0, 0, 0 };

      g_array_append_val (self->labels, label);
    }
}

static gboolean
load_all (AtlasBasemap  *self,
          ReadFunc       read,
          gpointer       data,
          GError       **error)
{
  g_autoptr(GBytes) labels = NULL;
  g_autoptr(GBytes) counties = NULL;
  g_autoptr(GHashTable) sums = read_manifest (read, data);

  for (guint l = 0; l < ATLAS_N_CORE_LAYERS; l++)
    for (guint b = 0; b < ATLAS_N_BANDS; b++)
      {
        g_autofree char *name = g_strdup_printf ("%s.%u.bin", layer_names[l], b);
        g_autoptr(GBytes) bytes = read_checked (sums, read, data, name, error);

        if (bytes == NULL || !parse_geom_layer (bytes, name, &self->layers[l][b], error))
          return FALSE;
      }

  if (!(labels = read_checked (sums, read, data, "labels.tsv", error))
      || !parse_table (self, labels, "labels.tsv", 9, label_row_cb, error))
    return FALSE;

  if (!(counties = read_checked (sums, read, data, "counties.tsv", error))
      || !parse_table (self, counties, "counties.tsv", 11, county_row_cb, error))
    return FALSE;

  for (guint i = 0; i < self->counties->len; i++)
    {
      AtlasCounty *c = &g_array_index (self->counties, AtlasCounty, i);
      g_hash_table_insert (self->county_index, GUINT_TO_POINTER (c->code), c);
    }

  load_optional (self, sums, read, data);
  self->empty = FALSE;
  return TRUE;
}

static GBytes *
read_resource (gpointer     data,
               const char  *name,
               GError     **error)
{
  g_autofree char *path = g_build_path ("/", data, name, NULL);
  GBytes *bytes = g_resources_lookup_data (path, 0, NULL);

  if (bytes == NULL)
    g_set_error (error, ATLAS_BASEMAP_ERROR, ATLAS_BASEMAP_ERROR_MISSING,
                 "%s is missing from the application's resources", name);
  return bytes;
}

static GBytes *
read_file (gpointer     data,
           const char  *name,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_get_child (data, name);
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes = g_file_load_bytes (file, NULL, NULL, &local_error);

  if (bytes == NULL)
    {
      g_autofree char *path = g_file_get_path (file);

      g_set_error (error, ATLAS_BASEMAP_ERROR,
                   g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                     ? ATLAS_BASEMAP_ERROR_MISSING : ATLAS_BASEMAP_ERROR_CORRUPT,
                   "%s: %s", path, local_error->message);
    }
  return bytes;
}

static void
atlas_basemap_finalize (GObject *object)
{
  AtlasBasemap *self = ATLAS_BASEMAP (object);

  for (guint l = 0; l < ATLAS_N_LAYERS; l++)
    for (guint b = 0; b < ATLAS_N_BANDS; b++)
      geom_layer_clear (&self->layers[l][b]);
  g_clear_pointer (&self->labels, g_array_unref);
  g_clear_pointer (&self->counties, g_array_unref);
  g_clear_pointer (&self->county_index, g_hash_table_unref);
  g_clear_pointer (&self->relief_bytes, g_bytes_unref);
  g_clear_pointer (&self->stations, g_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (atlas_basemap_parent_class)->finalize (object);
}

static void
atlas_basemap_class_init (AtlasBasemapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atlas_basemap_finalize;
}

static void
atlas_basemap_init (AtlasBasemap *self)
{
  self->labels = g_array_new (FALSE, TRUE, sizeof (AtlasLabel));
  g_array_set_clear_func (self->labels, clear_label);
  self->counties = g_array_new (FALSE, TRUE, sizeof (AtlasCounty));
  g_array_set_clear_func (self->counties, clear_county);
  self->county_index = g_hash_table_new (NULL, NULL);
  self->stations = g_array_new (FALSE, TRUE, sizeof (AtlasStation));
  g_array_set_clear_func (self->stations, clear_station);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  self->empty = TRUE;
}

/* Leaves an empty base map behind when loading fails, so callers can
 * still draw (sea only) and show the error. */
static AtlasBasemap *
load_or_fail (ReadFunc   read,
              gpointer   data,
              GError   **error)
{
  g_autoptr(AtlasBasemap) self = g_object_new (ATLAS_TYPE_BASEMAP, NULL);

  if (!load_all (self, read, data, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * atlas_basemap_new_from_resource:
 * @resource_path: a GResource folder holding the files of maps/basemap/
 *
 * Returns: (transfer full) (nullable): the base map, or %NULL with @error set
 */
AtlasBasemap *
atlas_basemap_new_from_resource (const char  *resource_path,
                                 GError     **error)
{
  return load_or_fail (read_resource, (gpointer) resource_path, error);
}

AtlasBasemap *
atlas_basemap_new_from_directory (GFile   *directory,
                                  GError **error)
{
  return load_or_fail (read_file, directory, error);
}

/* A base map without data: draws as sea only. */
AtlasBasemap *
atlas_basemap_new_empty (void)
{
  return g_object_new (ATLAS_TYPE_BASEMAP, NULL);
}

gboolean
atlas_basemap_is_empty (AtlasBasemap *self)
{
  g_return_val_if_fail (ATLAS_IS_BASEMAP (self), TRUE);
  return self->empty;
}

/* The hillshade, or %NULL if relief.bin could not be loaded. */
const AtlasRelief *
atlas_basemap_get_relief (AtlasBasemap *self)
{
  g_return_val_if_fail (ATLAS_IS_BASEMAP (self), NULL);
  return self->relief_bytes != NULL ? &self->relief : NULL;
}

const AtlasStation *
atlas_basemap_get_stations (AtlasBasemap *self,
                            guint        *n_stations)
{
  g_return_val_if_fail (ATLAS_IS_BASEMAP (self), NULL);
  *n_stations = self->stations->len;
  return (const AtlasStation *) self->stations->data;
}

/**
 * atlas_basemap_get_problems:
 *
 * Returns: (transfer none): one message per optional file (relief,
 *   railways, built-up areas, stations) that could not be loaded, each
 *   naming the file; empty if all loaded
 */
GPtrArray *
atlas_basemap_get_problems (AtlasBasemap *self)
{
  g_return_val_if_fail (ATLAS_IS_BASEMAP (self), NULL);
  return self->problems;
}

guint
atlas_basemap_band_for_zoom (guint zoom)
{
  if (zoom <= 6)
    return 0;
  if (zoom <= 8)
    return 1;
  if (zoom <= 10)
    return 2;
  return 3;
}

const AtlasGeomLayer *
atlas_basemap_get_layer (AtlasBasemap *self,
                         AtlasLayerId  layer,
                         guint         band)
{
  g_return_val_if_fail (ATLAS_IS_BASEMAP (self), NULL);
  g_return_val_if_fail (layer < ATLAS_N_LAYERS && band < ATLAS_N_BANDS, NULL);
  return &self->layers[layer][band];
}

const AtlasLabel *
atlas_basemap_get_labels (AtlasBasemap *self,
                          guint        *n_labels)
{
  g_return_val_if_fail (ATLAS_IS_BASEMAP (self), NULL);
  *n_labels = self->labels->len;
  return (const AtlasLabel *) self->labels->data;
}

const AtlasCounty *
atlas_basemap_get_counties (AtlasBasemap *self,
                            guint        *n_counties)
{
  g_return_val_if_fail (ATLAS_IS_BASEMAP (self), NULL);
  *n_counties = self->counties->len;
  return (const AtlasCounty *) self->counties->data;
}

const AtlasCounty *
atlas_basemap_lookup_county (AtlasBasemap *self,
                             guint32       code)
{
  g_return_val_if_fail (ATLAS_IS_BASEMAP (self), NULL);
  return g_hash_table_lookup (self->county_index, GUINT_TO_POINTER (code));
}

/* Area of a polygon feature on the ellipsoid: rings are combined by the
 * even-odd rule, so a ring inside an odd number of others is a hole. */
double
atlas_geom_feature_area_km2 (const AtlasGeomLayer *layer,
                             const AtlasFeature   *feature)
{
  double total = 0.0;

  g_return_val_if_fail (layer->polygons, 0.0);

  for (guint p = 0; p < feature->n_parts; p++)
    {
      const AtlasPart *part = &layer->parts[feature->first_part + p];
      const AtlasPoint *pts = &layer->points[part->first_point];
      g_autofree double *lonlat = g_new (double, 2 * part->n_points);
      guint depth = 0;

      for (guint k = 0; k < part->n_points; k++)
        {
          lonlat[2 * k] = atlas_geo_world_x_to_lon (pts[k].x);
          lonlat[2 * k + 1] = atlas_geo_world_y_to_lat (pts[k].y);
        }

      /* Containment depth of this ring among the feature's other rings. */
      for (guint q = 0; q < feature->n_parts; q++)
        {
          const AtlasPart *other = &layer->parts[feature->first_part + q];

          if (q != p && atlas_rect_intersects (&other->bbox, &part->bbox)
              && atlas_geo_point_in_ring (&layer->points[other->first_point],
                                          other->n_points, pts[0].x, pts[0].y))
            depth++;
        }

      total += (depth % 2 == 0 ? 1 : -1) * atlas_geo_ring_area_m2 (lonlat, part->n_points);
    }

  return total / 1e6;
}

/* The polygon feature of @layer containing the world point, or %NULL. */
const AtlasFeature *
atlas_geom_layer_hit (const AtlasGeomLayer *layer,
                      double                world_x,
                      double                world_y)
{
  AtlasRect pt = { world_x, world_y, world_x, world_y };

  if (!layer->polygons)
    return NULL;

  for (guint i = 0; i < layer->n_features; i++)
    {
      const AtlasFeature *f = &layer->features[i];
      gboolean inside = FALSE;

      if (!atlas_rect_intersects (&f->bbox, &pt))
        continue;

      for (guint p = 0; p < f->n_parts; p++)
        {
          const AtlasPart *part = &layer->parts[f->first_part + p];

          if (atlas_rect_intersects (&part->bbox, &pt)
              && atlas_geo_point_in_ring (&layer->points[part->first_point], part->n_points,
                                          world_x, world_y))
            inside = !inside;
        }

      if (inside)
        return f;
    }

  return NULL;
}
