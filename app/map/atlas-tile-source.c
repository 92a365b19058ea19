/* atlas-tile-source.c — a ShumateMapSource that renders tiles with cairo
 *
 * Tiles are drawn on a small pool of worker threads (one per core), newest
 * request first, so that during a zoom animation the tiles the user is
 * looking at come before those already scrolled away; a request whose
 * cancellable fired is dropped before any drawing. The finished surface is
 * wrapped in a GdkMemoryTexture and handed to the tile on the main thread.
 */



#include "atlas-tile-source.h"

#include "model/atlas-geo.h"

struct _AtlasTileSource
{
  ShumateMapSource      parent_instance;

  AtlasPainter         *painter;
  GThreadPool          *pool;
  int                   scale_factor;
  guint                 serial;
  guint                 pending;
  guint                 filled;
};

G_DEFINE_FINAL_TYPE (AtlasTileSource, atlas_tile_source, SHUMATE_TYPE_MAP_SOURCE)

enum
{
  PROP_0,
  PROP_PENDING,
  PROP_FILLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Pixels (logical) that a base tile's texture reaches into its neighbours. */
#define TILE_BLEED 1

/* A tile's texture with its bleed: drawn over the tile's square and
 * TILE_BLEED pixels beyond each edge. */
#define BLEED_TYPE_PAINTABLE (bleed_paintable_get_type ())
G_DECLARE_FINAL_TYPE (BleedPaintable, bleed_paintable, BLEED, PAINTABLE, GObject)

struct _BleedPaintable
{
  GObject     parent_instance;
  GdkTexture *texture;
};

static void bleed_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BleedPaintable, bleed_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, bleed_paintable_iface_init))

static void
bleed_paintable_snapshot (GdkPaintable *paintable,
                          GdkSnapshot  *snapshot,
                          double        width,
                          double        height)
{
  BleedPaintable *self = BLEED_PAINTABLE (paintable);
  double bx = width * TILE_BLEED / ATLAS_TILE_SIZE, by = height * TILE_BLEED / ATLAS_TILE_SIZE;

  gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), self->texture,
                               &GRAPHENE_RECT_INIT (-bx, -by, width + 2 * bx, height + 2 * by));
}

static int
bleed_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  BleedPaintable *self = BLEED_PAINTABLE (paintable);
  int w = gdk_texture_get_width (self->texture);

  return w * ATLAS_TILE_SIZE / (ATLAS_TILE_SIZE + 2 * TILE_BLEED);
}

static int
bleed_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  BleedPaintable *self = BLEED_PAINTABLE (paintable);
  int h = gdk_texture_get_height (self->texture);

  return h * ATLAS_TILE_SIZE / (ATLAS_TILE_SIZE + 2 * TILE_BLEED);
}

static GdkPaintableFlags
bleed_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
bleed_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = bleed_paintable_snapshot;
  iface->get_intrinsic_width = bleed_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = bleed_paintable_get_intrinsic_height;
  iface->get_flags = bleed_paintable_get_flags;
}

static void
bleed_paintable_finalize (GObject *object)
{
  g_clear_object (&BLEED_PAINTABLE (object)->texture);
  G_OBJECT_CLASS (bleed_paintable_parent_class)->finalize (object);
}

static void
bleed_paintable_class_init (BleedPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bleed_paintable_finalize;
}

static void
bleed_paintable_init (BleedPaintable *self)
{
}

static GdkPaintable *
bleed_paintable_new (GdkTexture *texture)
{
  BleedPaintable *self = g_object_new (BLEED_TYPE_PAINTABLE, NULL);

  self->texture = g_object_ref (texture);
  return GDK_PAINTABLE (self);
}

typedef struct
{
  guint zoom, x, y;
  int   scale;
  guint serial;
} TileJob;

typedef struct
{
  GBytes *pixels;
  int     size;     /* width */
  int     height;
  int     stride;
} TileResult;

static void
tile_result_free (gpointer data)
{
  TileResult *result = data;

  g_bytes_unref (result->pixels);
  g_free (result);
}

static gboolean
surface_is_clear (cairo_surface_t *surface)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface), height = cairo_image_surface_get_height (surface);

  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < width; x++)
        if (row[x] != 0)
          return FALSE;
    }
  return TRUE;
}

static void
render_job (gpointer data,
            gpointer user_data)
{
  g_autoptr(GTask) task = data;
  AtlasTileSource *self = user_data;
  TileJob *job = g_task_get_task_data (task);
  cairo_surface_t *surface;
  TileResult *result;
  gsize size;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* base tiles overlap their neighbours by a pixel of the same content:
   * drawn at fractional positions, their edges would otherwise blend with
   * what lies behind and show as seams (overlay tiles are translucent and
   * would darken where they overlap, so they have none) */
  surface = atlas_painter_render_tile_bleed (self->painter, job->zoom, job->x, job->y, job->scale,
                                             self->painter->opaque ? TILE_BLEED : 0);

  /* an overlay tile with nothing on it: one transparent pixel, stretched,
   * instead of 256 KB (1 MB on HiDPI) in the tile cache */
  if (!self->painter->opaque && surface_is_clear (surface))
    {
      cairo_surface_destroy (surface);
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
    }

  result = g_new0 (TileResult, 1);
  result->size = cairo_image_surface_get_width (surface);
  result->height = cairo_image_surface_get_height (surface);
  result->stride = cairo_image_surface_get_stride (surface);
  size = (gsize) result->stride * result->height;
  result->pixels = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), size,
                                               (GDestroyNotify) cairo_surface_destroy, surface);

  g_task_return_pointer (task, result, tile_result_free);
}

/* Newest first. */
static int
compare_jobs (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  TileJob *ja = g_task_get_task_data ((GTask *) a);
  TileJob *jb = g_task_get_task_data ((GTask *) b);

  return ja->serial < jb->serial ? 1 : ja->serial > jb->serial ? -1 : 0;
}

static void
tile_rendered_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AtlasTileSource *self = ATLAS_TILE_SOURCE (object);
  g_autoptr(GTask) outer = user_data;
  ShumateTile *tile = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;
  TileResult *tile_result = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GdkTexture) texture = NULL;

  /* both counts are notified once the tile is on the map */
  g_object_freeze_notify (object);
  self->pending--;
  g_object_notify_by_pspec (object, properties[PROP_PENDING]);

  if (tile_result == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_thaw_notify (object);
      return;
    }

  texture = gdk_memory_texture_new (tile_result->size, tile_result->height, GDK_MEMORY_DEFAULT,
                                    tile_result->pixels, tile_result->stride);
  tile_result_free (tile_result);

  if (self->painter->opaque)
    {
      g_autoptr(GdkPaintable) bled = bleed_paintable_new (texture);

      shumate_tile_set_paintable (tile, bled);
    }
  else
    shumate_tile_set_paintable (tile, GDK_PAINTABLE (texture));
  shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
  self->filled++;
  g_object_notify_by_pspec (object, properties[PROP_FILLED]);
  g_task_return_boolean (outer, TRUE);
  g_object_thaw_notify (object);
}

static void
atlas_tile_source_fill_tile_async (ShumateMapSource    *source,
                                   ShumateTile         *tile,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  AtlasTileSource *self = ATLAS_TILE_SOURCE (source);
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  GTask *inner = g_task_new (self, cancellable, tile_rendered_cb, outer);
  TileJob *job = g_new0 (TileJob, 1);

  g_task_set_source_tag (outer, atlas_tile_source_fill_tile_async);
  g_task_set_task_data (outer, g_object_ref (tile), g_object_unref);

  job->zoom = shumate_tile_get_zoom_level (tile);
  job->x = shumate_tile_get_x (tile);
  job->y = shumate_tile_get_y (tile);
  job->scale = self->scale_factor;
  job->serial = ++self->serial;
  g_task_set_task_data (inner, job, g_free);

  shumate_tile_set_state (tile, SHUMATE_STATE_LOADING);
  self->pending++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  g_thread_pool_push (self->pool, inner, NULL);
}

static gboolean
atlas_tile_source_fill_tile_finish (ShumateMapSource  *source,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
atlas_tile_source_finalize (GObject *object)
{
  AtlasTileSource *self = ATLAS_TILE_SOURCE (object);

  /* Every queued task holds a reference on the source, so the pool is
   * idle by the time the source is finalized. */
  g_thread_pool_free (self->pool, TRUE, TRUE);
  atlas_painter_unref (self->painter);

  G_OBJECT_CLASS (atlas_tile_source_parent_class)->finalize (object);
}

static void
atlas_tile_source_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AtlasTileSource *self = ATLAS_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_FILLED:
      g_value_set_uint (value, self->filled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlas_tile_source_class_init (AtlasTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateMapSourceClass *source_class = SHUMATE_MAP_SOURCE_CLASS (klass);

  object_class->finalize = atlas_tile_source_finalize;
  object_class->get_property = atlas_tile_source_get_property;
  source_class->fill_tile_async = atlas_tile_source_fill_tile_async;
  source_class->fill_tile_finish = atlas_tile_source_fill_tile_finish;

  /**
   * AtlasTileSource:pending:
   *
   * Tiles requested and not yet finished (drawn, failed or cancelled).
   */
  properties[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  /**
   * AtlasTileSource:filled:
   *
   * Tiles drawn and handed to the map so far.
   */
  properties[PROP_FILLED] = g_param_spec_uint ("filled", NULL, NULL, 0, G_MAXUINT, 0,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                               | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
atlas_tile_source_init (AtlasTileSource *self)
{
  guint n_workers = CLAMP (g_get_num_processors (), 1, 4);

  self->scale_factor = 1;
  self->pool = g_thread_pool_new (render_job, self, n_workers, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, compare_jobs, NULL);
}

/**
 * atlas_tile_source_new:
 * @painter: what the tiles show
 * @id: the source's id, unique among the map's layers
 *
 * Returns: (transfer full): a tile source drawing @painter's tiles
 */
AtlasTileSource *
atlas_tile_source_new (AtlasPainter *painter,
                       const char   *id,
                       const char   *name,
                       const char   *license)
{
  AtlasTileSource *self;

  g_return_val_if_fail (painter != NULL, NULL);

  self = g_object_new (ATLAS_TYPE_TILE_SOURCE,
                       "id", id,
                       "name", name,
                       "license", license,
                       "min-zoom-level", 5,
                       "max-zoom-level", 14,
                       "tile-size", ATLAS_TILE_SIZE,
                       "projection", SHUMATE_MAP_PROJECTION_MERCATOR,
                       NULL);
  self->painter = atlas_painter_ref (painter);

  return self;
}

void
atlas_tile_source_set_scale_factor (AtlasTileSource *self,
                                    int              scale_factor)
{
  g_return_if_fail (ATLAS_IS_TILE_SOURCE (self));
  self->scale_factor = CLAMP (scale_factor, 1, 4);
}

int
atlas_tile_source_get_scale_factor (AtlasTileSource *self)
{
  g_return_val_if_fail (ATLAS_IS_TILE_SOURCE (self), 1);
  return self->scale_factor;
}

/* Tiles requested and not yet finished: lets tests wait for a full paint. */
guint
atlas_tile_source_get_pending (AtlasTileSource *self)
{
  g_return_val_if_fail (ATLAS_IS_TILE_SOURCE (self), 0);
  return self->pending;
}

/* Tiles painted so far. */
guint
atlas_tile_source_get_filled (AtlasTileSource *self)
{
  g_return_val_if_fail (ATLAS_IS_TILE_SOURCE (self), 0);
  return self->filled;
}
