/* atlas-painter.h — something that draws a viewport of the map with cairo
 *
 * Base map and overlays are both painters, so the same tile source, export
 * code and tests serve both. Painters are immutable and thread-safe: a
 * change (a layer toggled) makes a new painter.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double zoom;       /* map zoom; styling uses its integer part */
  double origin_x;   /* world coordinates of the top-left corner */
  double origin_y;
  double width;      /* size in (logical) pixels */
  double height;
} AtlasViewport;

typedef struct _AtlasPainter AtlasPainter;

typedef struct
{
  void (*draw)     (AtlasPainter        *painter,
                    cairo_t             *cr,
                    const AtlasViewport *viewport);
  void (*finalize) (AtlasPainter        *painter);
} AtlasPainterClass;

struct _AtlasPainter
{
  const AtlasPainterClass *klass;
  gatomicrefcount          ref_count;
  gboolean                 opaque;   /* paints every pixel (a base map) */
};

void             atlas_painter_init        (AtlasPainter            *self,
                                            const AtlasPainterClass *klass,
                                            gboolean                 opaque);
AtlasPainter    *atlas_painter_ref         (AtlasPainter            *self);
void             atlas_painter_unref       (AtlasPainter            *self);
void             atlas_painter_draw        (AtlasPainter            *self,
                                            cairo_t                 *cr,
                                            const AtlasViewport     *viewport);
cairo_surface_t *atlas_painter_render_tile (AtlasPainter            *self,
                                            guint                    zoom,
                                            guint                    tile_x,
                                            guint                    tile_y,
                                            int                      scale);
cairo_surface_t *atlas_painter_render_tile_bleed (AtlasPainter      *self,
                                                  guint              zoom,
                                                  guint              tile_x,
                                                  guint              tile_y,
                                                  int                scale,
                                                  guint              bleed);
void             atlas_viewport_for_tile   (AtlasViewport           *viewport,
                                            guint                    zoom,
                                            guint                    tile_x,
                                            guint                    tile_y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasPainter, atlas_painter_unref)

G_END_DECLS
