/* atlas-raster-painter.c — the user's own base map: raster MBTiles or an XYZ server */

#include "config.h"

#include "atlas-raster-painter.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "model/atlas-geo.h"

#define MEMORY_TILES 384
#define PREFETCH_THREADS 4

G_DEFINE_QUARK (atlas-raster-error-quark, atlas_raster_error)

struct _AtlasRasterPainter
{
  AtlasPainter   painter;
  AtlasPainter  *fallback;     /* nullable */
  sqlite3       *db;           /* MBTiles, or NULL */
  char          *url_template; /* XYZ, or NULL */
  char          *cache_dir;    /* XYZ disk cache */
  guint          timeout_s;
  int            min_zoom, max_zoom;
  char          *attribution;
  GMutex         lock;
  GHashTable    *surfaces;     /* "z/x/y" → cairo_surface_t, or NULL for a missing tile */
  gint           missing;
};

static GPrivate thread_session = G_PRIVATE_INIT (g_object_unref);

/* ---- fetching ---- */

char *
atlas_raster_tile_url (const char *url_template,
                       guint       zoom,
                       guint       x,
                       guint       y)
{
  g_autofree char *zs = g_strdup_printf ("%u", zoom), *xs = g_strdup_printf ("%u", x);
  g_autofree char *ys = g_strdup_printf ("%u", y);
  GString *url = g_string_new (url_template);

  g_string_replace (url, "{z}", zs, 0);
  g_string_replace (url, "{x}", xs, 0);
  g_string_replace (url, "{y}", ys, 0);
  return g_string_free (url, FALSE);
}

static GBytes *
fetch_mbtiles (AtlasRasterPainter *self,
               guint               z,
               guint               x,
               guint               y)
{
  sqlite3_stmt *stmt = NULL;
  GBytes *bytes = NULL;

  /* MBTiles rows count from the south (TMS) */
  if (sqlite3_prepare_v2 (self->db, "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND "
                          "tile_column = ?2 AND tile_row = ?3", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) z);
  sqlite3_bind_int (stmt, 2, (int) x);
  sqlite3_bind_int (stmt, 3, (int) ((1u << z) - 1 - y));
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) > 0)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  return bytes;
}

static SoupSession *
session_for_thread (AtlasRasterPainter *self)
{
  SoupSession *session = g_private_get (&thread_session);

  if (session == NULL)
    {
      session = soup_session_new ();
      soup_session_set_user_agent (session, "capital-atlas/" PACKAGE_VERSION);
      g_private_replace (&thread_session, session);
    }
  soup_session_set_timeout (session, self->timeout_s);
  soup_session_set_idle_timeout (session, self->timeout_s);
  return session;
}

static GBytes *
fetch_xyz (AtlasRasterPainter *self,
           guint               z,
           guint               x,
           guint               y)
{
  g_autofree char *cached = g_strdup_printf ("%s/%u/%u/%u.tile", self->cache_dir, z, x, y);
  g_autofree char *url = atlas_raster_tile_url (self->url_template, z, x, y);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  char *contents = NULL;
  gsize length = 0;
  GBytes *bytes;

  if (g_file_get_contents (cached, &contents, &length, NULL))
    return g_bytes_new_take (contents, length);
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    return NULL;
  bytes = soup_session_send_and_read (session_for_thread (self), msg, NULL, &error);
  if (bytes == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK || g_bytes_get_size (bytes) == 0)
    {
      g_debug ("tile %s: %s", url, error != NULL ? error->message : soup_message_get_reason_phrase (msg));
      g_clear_pointer (&bytes, g_bytes_unref);
      return NULL;
    }
  dir = g_path_get_dirname (cached);
  if (g_mkdir_with_parents (dir, 0700) == 0)
    g_file_set_contents (cached, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  return bytes;
}

/* Any image gdk-pixbuf reads, as a cairo surface; NULL for garbage. */
static cairo_surface_t *
decode (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  GdkPixbuf *pixbuf;
  cairo_surface_t *surface;
  int w, h, n, stride;
  const guint8 *src;
  guint8 *dst;

  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, NULL) || !gdk_pixbuf_loader_close (loader, NULL)
      || (pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)) == NULL)
    return NULL;
  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  n = gdk_pixbuf_get_n_channels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  src = gdk_pixbuf_read_pixels (pixbuf);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  dst = cairo_image_surface_get_data (surface);
  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      {
        const guint8 *p = src + j * stride + i * n;
        guint32 a = n == 4 ? p[3] : 255;
        guint32 *q = (guint32 *) (dst + j * cairo_image_surface_get_stride (surface)) + i;

        *q = (a << 24) | ((p[0] * a / 255) << 16) | ((p[1] * a / 255) << 8) | (p[2] * a / 255);
      }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* The tile's surface (a reference), NULL when it cannot be had. */
static cairo_surface_t *
get_tile (AtlasRasterPainter *self,
          guint               z,
          guint               x,
          guint               y)
{
  g_autofree char *key = g_strdup_printf ("%u/%u/%u", z, x, y);
  g_autoptr(GBytes) bytes = NULL;
  cairo_surface_t *surface = NULL;
  gpointer found;

  g_mutex_lock (&self->lock);
  if (g_hash_table_lookup_extended (self->surfaces, key, NULL, &found))
    {
      surface = found != NULL ? cairo_surface_reference (found) : NULL;
      g_mutex_unlock (&self->lock);
      return surface;
    }
  g_mutex_unlock (&self->lock);

  bytes = self->db != NULL ? fetch_mbtiles (self, z, x, y) : fetch_xyz (self, z, x, y);
  if (bytes != NULL)
    surface = decode (bytes);

  g_mutex_lock (&self->lock);
  if (g_hash_table_size (self->surfaces) >= MEMORY_TILES)
    g_hash_table_remove_all (self->surfaces);
  g_hash_table_replace (self->surfaces, g_steal_pointer (&key),
                        surface != NULL ? cairo_surface_reference (surface) : NULL);
  g_mutex_unlock (&self->lock);
  return surface;
}

/* ---- drawing ---- */

typedef struct
{
  guint z, x, y;
} TileKey;

static void
prefetch_cb (gpointer data,
             gpointer user_data)
{
  TileKey *k = data;
  cairo_surface_t *s = get_tile (user_data, k->z, k->x, k->y);

  if (s != NULL)
    cairo_surface_destroy (s);
}

static void
raster_draw (AtlasPainter        *painter,
             cairo_t             *cr,
             const AtlasViewport *vp)
{
  AtlasRasterPainter *self = (AtlasRasterPainter *) painter;
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  int z = CLAMP ((int) floor (vp->zoom + 0.5), self->min_zoom, self->max_zoom);
  double n = pow (2, z), ts = scale / n;
  int x0 = (int) floor (vp->origin_x * n), y0 = (int) floor (vp->origin_y * n);
  int x1 = (int) floor ((vp->origin_x + vp->width / scale) * n - 1e-9);
  int y1 = (int) floor ((vp->origin_y + vp->height / scale) * n - 1e-9);
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (TileKey));
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (TileKey));

  x0 = MAX (x0, 0);
  y0 = MAX (y0, 0);
  x1 = MIN (x1, (int) n - 1);
  y1 = MIN (y1, (int) n - 1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        TileKey k = { z, x, y };
        g_array_append_val (keys, k);
      }

  /* many tiles (an export page): fetch and decode them in parallel first */
  if (keys->len > 2)
    {
      GThreadPool *pool = g_thread_pool_new (prefetch_cb, self, PREFETCH_THREADS, FALSE, NULL);

      for (guint i = 0; i < keys->len; i++)
        g_thread_pool_push (pool, &g_array_index (keys, TileKey, i), NULL);
      g_thread_pool_free (pool, FALSE, TRUE);
    }

  for (guint i = 0; i < keys->len; i++)
    {
      TileKey *k = &g_array_index (keys, TileKey, i);
      cairo_surface_t *s = get_tile (self, k->z, k->x, k->y);
      guint up = 0;

      /* a level the MBTiles lacks: enlarge a parent tile (up to 4 levels) */
      while (s == NULL && self->db != NULL && up < 4 && (int) (k->z - up) > self->min_zoom)
        {
          up++;
          s = get_tile (self, k->z - up, k->x >> up, k->y >> up);
        }
      if (s == NULL)
        {
          g_atomic_int_inc (&self->missing);
          g_array_append_val (missing, *k);
          continue;
        }
      cairo_save (cr);
      cairo_translate (cr, (k->x / n - vp->origin_x) * scale, (k->y / n - vp->origin_y) * scale);
      cairo_rectangle (cr, 0, 0, ts, ts);
      cairo_clip (cr);
      cairo_scale (cr, ts * (1 << up) / cairo_image_surface_get_width (s),
                   ts * (1 << up) / cairo_image_surface_get_height (s));
      cairo_set_source_surface (cr, s, -(double) (k->x & ((1u << up) - 1)) * cairo_image_surface_get_width (s) / (1 << up),
                                -(double) (k->y & ((1u << up) - 1)) * cairo_image_surface_get_height (s) / (1 << up));
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (s);
    }

  /* the embedded map where tiles are missing, drawn once under one clip */
  if (missing->len > 0 && self->fallback != NULL)
    {
      cairo_save (cr);
      cairo_new_path (cr);
      for (guint i = 0; i < missing->len; i++)
        {
          TileKey *k = &g_array_index (missing, TileKey, i);
          cairo_rectangle (cr, (k->x / n - vp->origin_x) * scale, (k->y / n - vp->origin_y) * scale, ts, ts);
        }
      cairo_clip (cr);
      atlas_painter_draw (self->fallback, cr, vp);
      cairo_restore (cr);
    }
}

static void
raster_finalize (AtlasPainter *painter)
{
  AtlasRasterPainter *self = (AtlasRasterPainter *) painter;

  if (self->fallback != NULL)
    atlas_painter_unref (self->fallback);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->url_template);
  g_free (self->cache_dir);
  g_free (self->attribution);
  g_hash_table_unref (self->surfaces);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static const AtlasPainterClass raster_class = { raster_draw, raster_finalize };

/* ---- opening ---- */

static char *
mbtiles_metadata (sqlite3    *db,
                  const char *name)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM metadata WHERE name = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
open_mbtiles (AtlasRasterPainter *self,
              const char         *path,
              GError            **error)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *min = NULL, *max = NULL, *format = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean has_tiles;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)
      || sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, ATLAS_RASTER_ERROR, ATLAS_RASTER_ERROR_OPEN, _("%s: the MBTiles file cannot be opened"),
                   base);
      return FALSE;
    }
  has_tiles = sqlite3_prepare_v2 (self->db, "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1",
                                  -1, &stmt, NULL) == SQLITE_OK;
  sqlite3_finalize (stmt);
  if (!has_tiles)
    {
      g_set_error (error, ATLAS_RASTER_ERROR, ATLAS_RASTER_ERROR_OPEN,
                   _("%s: not an MBTiles file (it has no tiles table)"), base);
      return FALSE;
    }
  format = mbtiles_metadata (self->db, "format");
  if (format != NULL && (g_str_equal (format, "pbf") || g_str_equal (format, "mvt")))
    {
      g_set_error (error, ATLAS_RASTER_ERROR, ATLAS_RASTER_ERROR_OPEN,
                   _("%s: holds vector tiles; only raster MBTiles (PNG, JPEG) can be shown"), base);
      return FALSE;
    }
  min = mbtiles_metadata (self->db, "minzoom");
  max = mbtiles_metadata (self->db, "maxzoom");
  if (min != NULL)
    self->min_zoom = CLAMP (atoi (min), 0, 22);
  if (max != NULL)
    self->max_zoom = CLAMP (atoi (max), self->min_zoom, 22);
  self->attribution = mbtiles_metadata (self->db, "attribution");
  return TRUE;
}

static gboolean
open_xyz (AtlasRasterPainter *self,
          const char         *url,
          GError            **error)
{
  const char *dir = g_getenv ("ATLAS_CACHE_DIR");
  g_autofree char *hash = NULL;

  if (!(g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"))
      || strstr (url, "{z}") == NULL || strstr (url, "{x}") == NULL || strstr (url, "{y}") == NULL)
    {
      g_set_error (error, ATLAS_RASTER_ERROR, ATLAS_RASTER_ERROR_SPEC,
                   _("an XYZ base map wants an http(s) URL with {z}, {x} and {y}; got “%s”"), url);
      return FALSE;
    }
  self->url_template = g_strdup (url);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  hash[16] = '\0';
  self->cache_dir = dir != NULL && *dir != '\0' ? g_build_filename (dir, "tiles", hash, NULL)
                                                : g_build_filename (g_get_user_cache_dir (), "capital-atlas",
                                                                    "tiles", hash, NULL);
  return TRUE;
}

/**
 * atlas_raster_painter_new:
 * @spec: "mbtiles:PATH" or "xyz:URL_TEMPLATE"
 * @fallback: (nullable): drawn where a tile is missing
 * @timeout_s: how long to wait for a tile from the network
 */
AtlasRasterPainter *
atlas_raster_painter_new (const char    *spec,
                          AtlasPainter  *fallback,
                          double         timeout_s,
                          GError       **error)
{
  AtlasRasterPainter *self = g_new0 (AtlasRasterPainter, 1);
  gboolean ok;

  atlas_painter_init (&self->painter, &raster_class, fallback != NULL);
  g_mutex_init (&self->lock);
  self->surfaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) cairo_surface_destroy);
  self->fallback = fallback != NULL ? atlas_painter_ref (fallback) : NULL;
  self->timeout_s = (guint) CLAMP (timeout_s, 1, 120);
  self->min_zoom = 0;
  self->max_zoom = 19;
  if (g_str_has_prefix (spec, "mbtiles:"))
    ok = open_mbtiles (self, spec + 8, error);
  else if (g_str_has_prefix (spec, "xyz:"))
    ok = open_xyz (self, spec + 4, error);
  else
    {
      g_set_error (error, ATLAS_RASTER_ERROR, ATLAS_RASTER_ERROR_SPEC,
                   _("--basemap wants mbtiles:PATH or xyz:URL_TEMPLATE; got “%s”"), spec);
      ok = FALSE;
    }
  if (!ok)
    {
      atlas_painter_unref (&self->painter);
      return NULL;
    }
  return self;
}

AtlasRasterPainter *
atlas_raster_painter_ref (AtlasRasterPainter *self)
{
  atlas_painter_ref (&self->painter);
  return self;
}

void
atlas_raster_painter_unref (AtlasRasterPainter *self)
{
  if (self != NULL)
    atlas_painter_unref (&self->painter);
}

AtlasPainter *
atlas_raster_painter_as_painter (AtlasRasterPainter *self)
{
  return &self->painter;
}

/* The base map's credit line: set by the user, else the MBTiles metadata. */
const char *
atlas_raster_painter_get_attribution (AtlasRasterPainter *self)
{
  return self->attribution;
}

void
atlas_raster_painter_set_attribution (AtlasRasterPainter *self,
                                      const char         *attribution)
{
  if (attribution == NULL || *attribution == '\0')
    return;
  g_free (self->attribution);
  self->attribution = g_strdup (attribution);
}

/* How many tiles could not be had (missing, failed, timed out, garbage). */
guint
atlas_raster_painter_get_missing (AtlasRasterPainter *self)
{
  return (guint) g_atomic_int_get (&self->missing);
}
