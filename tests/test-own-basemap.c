/* test-own-basemap.c — the user's own base map: an MBTiles fixture and an XYZ server on 127.0.0.1 */

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "export/atlas-export.h"
#include "model/atlas-layer-state.h"
#include "render/atlas-basemap-renderer.h"
#include "render/atlas-raster-painter.h"
#include "atlas-test-util.h"

/* Tile (210, 96) at zoom 8 covers the north of Beijing. */
#define TZ 8
#define TX 210
#define TY 96

static char *tmpdir;
static AtlasData *data;

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *bytes,
           unsigned int         length)
{
  g_byte_array_append (closure, bytes, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
solid_png (double r,
           double g,
           double b)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (s);
  GByteArray *out = g_byte_array_new ();

  cairo_set_source_rgb (cr, r, g, b);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_write_to_png_stream (s, append_cb, out);
  cairo_surface_destroy (s);
  return g_byte_array_free_to_bytes (out);
}

static guint32
pixel_at (cairo_surface_t *s,
          int              x,
          int              y)
{
  cairo_surface_flush (s);
  return *(guint32 *) (cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s) + x * 4)
         & 0xffffff;
}

static guint32
render_pixel (AtlasPainter *painter,
              guint         x,
              guint         y)
{
  cairo_surface_t *s = atlas_painter_render_tile (painter, TZ, x, y, 1);
  guint32 p = pixel_at (s, 128, 128);

  cairo_surface_destroy (s);
  return p;
}

static char *
make_mbtiles (void)
{
  char *path = g_build_filename (tmpdir, "fixture.mbtiles", NULL);
  g_autoptr(GBytes) png = solid_png (0, 0, 1);
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_unlink (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE TABLE metadata (name TEXT, value TEXT);"
    "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
    "INSERT INTO metadata VALUES ('format', 'png'), ('minzoom', '5'), ('maxzoom', '12'),"
    " ('attribution', 'Fixture tiles 测试');", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  sqlite3_bind_int (stmt, 1, TZ);
  sqlite3_bind_int (stmt, 2, TX);
  sqlite3_bind_int (stmt, 3, (1 << TZ) - 1 - TY);   /* TMS rows */
  sqlite3_bind_blob (stmt, 4, g_bytes_get_data (png, NULL), g_bytes_get_size (png), SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return path;
}

static void
test_mbtiles (void)
{
  g_autofree char *path = make_mbtiles ();
  g_autofree char *spec = g_strconcat ("mbtiles:", path, NULL);
  g_autoptr(AtlasBasemapRenderer) base = atlas_basemap_renderer_new (data->basemap);
  AtlasPainter *fallback = atlas_basemap_renderer_as_painter (base);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasRasterPainter) raster = atlas_raster_painter_new (spec, fallback, 5, &error);
  g_autofree char *bad = g_build_filename (tmpdir, "not.mbtiles", NULL);
  g_autofree char *bad_spec = g_strconcat ("mbtiles:", bad, NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (atlas_raster_painter_get_attribution (raster), ==, "Fixture tiles 测试");
  /* the fixture's tile is drawn; a tile it lacks comes from the embedded map */
  g_assert_cmphex (render_pixel (atlas_raster_painter_as_painter (raster), TX, TY), ==, 0x0000ff);
  g_assert_cmphex (render_pixel (atlas_raster_painter_as_painter (raster), TX + 1, TY), ==,
                   render_pixel (fallback, TX + 1, TY));
  g_assert_cmpuint (atlas_raster_painter_get_missing (raster), ==, 1);

  /* not an MBTiles file, or no file: a clear error naming it */
  g_assert_true (g_file_set_contents (bad, "hello", -1, NULL));
  g_assert_null (atlas_raster_painter_new (bad_spec, fallback, 5, &error));
  g_assert_error (error, ATLAS_RASTER_ERROR, ATLAS_RASTER_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "not.mbtiles"));
  g_clear_error (&error);
  g_assert_null (atlas_raster_painter_new ("tiles:/x", fallback, 5, &error));
  g_assert_error (error, ATLAS_RASTER_ERROR, ATLAS_RASTER_ERROR_SPEC);
  g_clear_error (&error);
  g_assert_null (atlas_raster_painter_new ("xyz:http://example.org/tiles.png", fallback, 5, &error));
  g_assert_error (error, ATLAS_RASTER_ERROR, ATLAS_RASTER_ERROR_SPEC);
}

/* An export draws the plan's layers over the user's tiles: pure blue where
 * nothing of the plan lies, blue tinted by the plan's zones elsewhere. */
static void
test_export_over_mbtiles (void)
{
  g_autofree char *path = make_mbtiles ();
  g_autofree char *spec = g_strconcat ("mbtiles:", path, NULL);
  g_autoptr(AtlasBasemapRenderer) base = atlas_basemap_renderer_new (data->basemap);
  g_autoptr(AtlasExportJob) job = atlas_export_job_new (data, NULL);
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  g_autoptr(AtlasVisibility) shown = NULL;
  cairo_surface_t *page;
  cairo_t *cr;
  double w, h;
  AtlasRect tile;
  guint blue = 0, tinted = 0;

  job->basemap = atlas_raster_painter_new (spec, atlas_basemap_renderer_as_painter (base), 5, NULL);
  g_assert_nonnull (job->basemap);
  g_assert_true (atlas_layer_state_set_visible_ids (state, "circles.commuting", NULL));
  shown = atlas_layer_state_snapshot (state);
  atlas_export_job_set_visibility (job, shown);
  atlas_geo_tile_world_rect (TZ, TX, TY, &tile);
  job->extent = tile;
  job->paper = atlas_paper_lookup ("A4");
  atlas_export_page_size_pt (job, &w, &h);
  page = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  cr = cairo_create (page);
  atlas_export_draw_page (job, cr, 0);
  cairo_destroy (cr);
  for (int y = 0; y < (int) h; y++)
    for (int x = 0; x < (int) w; x++)
      {
        guint32 p = pixel_at (page, x, y);
        guint r = p >> 16, g = (p >> 8) & 0xff, b = p & 0xff;

        blue += p == 0x0000ff;
        tinted += b > 120 && r > 40 && r < 200 && g < r;
      }
  g_test_message ("pure blue %u, tinted %u", blue, tinted);
  g_assert_cmpuint (blue, >, 1000);
  g_assert_cmpuint (tinted, >, 1000);
  cairo_surface_destroy (page);
}

/* ---- an XYZ server on 127.0.0.1, in a thread of its own ---- */

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *base_url;
  GMutex        lock;
  GCond         ready;
  guint         requests;
} Server;

static void
tile_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Server *srv = user_data;
  g_autofree char *ok = g_strdup_printf ("/%d/%d/%d.png", TZ, TX, TY);
  g_autofree char *garbage = g_strdup_printf ("/%d/%d/%d.png", TZ, TX + 1, TY);
  g_autofree char *slow = g_strdup_printf ("/%d/%d/%d.png", TZ, TX + 2, TY);

  g_atomic_int_inc (&srv->requests);
  if (g_str_equal (path, ok))
    {
      g_autoptr(GBytes) png = solid_png (1, 0, 0);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY, g_bytes_get_data (png, NULL),
                                        g_bytes_get_size (png));
    }
  else if (g_str_equal (path, garbage))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC, "not a picture", 13);
    }
  else if (g_str_equal (path, slow))
    soup_server_message_pause (msg);   /* never answers */
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static gpointer
server_thread (gpointer user_data)
{
  Server *srv = user_data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (srv->context);
  srv->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (srv->server, "/", tile_handler, srv, NULL);
  g_assert_true (soup_server_listen_local (srv->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (srv->server);
  g_mutex_lock (&srv->lock);
  srv->base_url = g_uri_to_string (uris->data);
  g_cond_signal (&srv->ready);
  g_mutex_unlock (&srv->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (srv->loop);
  soup_server_disconnect (srv->server);
  g_clear_object (&srv->server);
  g_main_context_pop_thread_default (srv->context);
  return NULL;
}

static void
test_xyz (void)
{
  Server srv = { 0 };
  GThread *thread;
  g_autoptr(AtlasBasemapRenderer) base = atlas_basemap_renderer_new (data->basemap);
  AtlasPainter *fallback = atlas_basemap_renderer_as_painter (base);
  g_autofree char *spec = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0;

  g_setenv ("ATLAS_CACHE_DIR", tmpdir, TRUE);
  srv.context = g_main_context_new ();
  srv.loop = g_main_loop_new (srv.context, FALSE);
  g_mutex_init (&srv.lock);
  g_cond_init (&srv.ready);
  g_mutex_lock (&srv.lock);
  thread = g_thread_new ("xyz-server", server_thread, &srv);
  while (srv.base_url == NULL)
    g_cond_wait (&srv.ready, &srv.lock);
  g_mutex_unlock (&srv.lock);
  g_assert_true (g_str_has_prefix (srv.base_url, "http://127.0.0.1:"));
  spec = g_strdup_printf ("xyz:%s{z}/{x}/{y}.png", srv.base_url);

  {
    g_autoptr(AtlasRasterPainter) raster = atlas_raster_painter_new (spec, fallback, 1, &error);

    g_assert_no_error (error);
    g_assert_cmphex (render_pixel (atlas_raster_painter_as_painter (raster), TX, TY), ==, 0xff0000);
    /* garbage, a server that never answers (timeout 1 s), a 404: the embedded map */
    g_assert_cmphex (render_pixel (atlas_raster_painter_as_painter (raster), TX + 1, TY), ==,
                     render_pixel (fallback, TX + 1, TY));
    t0 = g_get_monotonic_time ();
    g_assert_cmphex (render_pixel (atlas_raster_painter_as_painter (raster), TX + 2, TY), ==,
                     render_pixel (fallback, TX + 2, TY));
    g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_USEC_PER_SEC);
    g_assert_cmphex (render_pixel (atlas_raster_painter_as_painter (raster), TX + 3, TY), ==,
                     render_pixel (fallback, TX + 3, TY));
    g_assert_cmpuint (atlas_raster_painter_get_missing (raster), ==, 3);
  }
  /* the tile is in the disk cache */
  {
    g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, spec + 4, -1);
    g_autofree char *file = NULL;

    hash[16] = '\0';
    file = g_build_filename (tmpdir, "tiles", hash, "8", "210", "96.tile", NULL);
    g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  }

  g_main_loop_quit (srv.loop);
  g_thread_join (thread);

  /* with the server gone, the cached tile still shows */
  {
    g_autoptr(AtlasRasterPainter) raster = atlas_raster_painter_new (spec, fallback, 1, NULL);
    g_assert_cmphex (render_pixel (atlas_raster_painter_as_painter (raster), TX, TY), ==, 0xff0000);
  }
  g_main_loop_unref (srv.loop);
  g_main_context_unref (srv.context);
  g_free (srv.base_url);
  g_mutex_clear (&srv.lock);
  g_cond_clear (&srv.ready);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("atlas-own-basemap-XXXXXX", NULL);
  data = atlas_test_load_data ();
  g_test_add_func ("/atlas/own-basemap/mbtiles", test_mbtiles);
  g_test_add_func ("/atlas/own-basemap/export-over-mbtiles", test_export_over_mbtiles);
  g_test_add_func ("/atlas/own-basemap/xyz", test_xyz);
  status = g_test_run ();
  atlas_data_unref (data);
  {
    const char *argv_rm[] = { "rm", "-rf", tmpdir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmpdir);
  return status;
}
