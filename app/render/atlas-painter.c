/* atlas-painter.c — something that draws a viewport of the map with cairo */

#include "atlas-painter.h"

#include "model/atlas-geo.h"

void
atlas_painter_init (AtlasPainter            *self,
                    const AtlasPainterClass *klass,
                    gboolean                 opaque)
{
  self->klass = klass;
  self->opaque = opaque;
  g_atomic_ref_count_init (&self->ref_count);
}

AtlasPainter *
atlas_painter_ref (AtlasPainter *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
atlas_painter_unref (AtlasPainter *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    self->klass->finalize (self);
}

void
atlas_painter_draw (AtlasPainter        *self,
                    cairo_t             *cr,
                    const AtlasViewport *viewport)
{
  self->klass->draw (self, cr, viewport);
}

void
atlas_viewport_for_tile (AtlasViewport *vp,
                         guint          zoom,
                         guint          tile_x,
                         guint          tile_y)
{
  vp->zoom = zoom;
  vp->origin_x = (double) tile_x / (1u << zoom);
  vp->origin_y = (double) tile_y / (1u << zoom);
  vp->width = ATLAS_TILE_SIZE;
  vp->height = ATLAS_TILE_SIZE;
}

/**
 * atlas_painter_render_tile:
 * @scale: the display's scale factor: 2 renders 512-pixel tiles
 *
 * Returns: (transfer full): an ARGB32 image surface of 256 × @scale pixels
 */
cairo_surface_t *
atlas_painter_render_tile (AtlasPainter *self,
                           guint         zoom,
                           guint         tile_x,
                           guint         tile_y,
                           int           scale)
{
  return atlas_painter_render_tile_bleed (self, zoom, tile_x, tile_y, scale, 0);
}

/**
 * atlas_painter_render_tile_bleed:
 * @bleed: pixels drawn beyond each edge of the tile
 *
 * A tile with a margin of the neighbouring tiles' content, so that tiles
 * drawn overlapping by @bleed pixels leave no seam where a compositor
 * samples them at fractional positions.
 *
 * Returns: (transfer full): an ARGB32 image surface of (256 + 2 × @bleed) × @scale pixels
 */
cairo_surface_t *
atlas_painter_render_tile_bleed (AtlasPainter *self,
                                 guint         zoom,
                                 guint         tile_x,
                                 guint         tile_y,
                                 int           scale,
                                 guint         bleed)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  AtlasViewport vp;
  double world_px = 1.0 / (ATLAS_TILE_SIZE * (double) (1u << zoom));

  scale = CLAMP (scale, 1, 4);
  bleed = MIN (bleed, 8);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (ATLAS_TILE_SIZE + 2 * bleed) * scale,
                                        (ATLAS_TILE_SIZE + 2 * bleed) * scale);
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  atlas_viewport_for_tile (&vp, zoom, tile_x, tile_y);
  vp.origin_x -= bleed * world_px;
  vp.origin_y -= bleed * world_px;
  vp.width += 2 * bleed;
  vp.height += 2 * bleed;
  atlas_painter_draw (self, cr, &vp);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}
