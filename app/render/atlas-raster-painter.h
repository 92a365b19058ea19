/* atlas-raster-painter.h — the user's own base map: raster MBTiles or an XYZ server
 *
 * "mbtiles:PATH" reads tiles from an MBTiles file with SQLite;
 * "xyz:URL_TEMPLATE" ({z}, {x}, {y}) fetches them over HTTP(S) with libsoup,
 * one session per worker thread with a timeout, and keeps them in a disk
 * cache (ATLAS_CACHE_DIR or ~/.cache/capital-atlas/tiles). Tiles are decoded
 * with gdk-pixbuf (PNG, JPEG, WebP where a loader exists). Where a tile is
 * missing, slow or garbage, the fallback painter (the embedded base map)
 * draws that part. A painter: immutable and thread-safe.
 */
#pragma once

#include "render/atlas-painter.h"

G_BEGIN_DECLS

#define ATLAS_RASTER_ERROR (atlas_raster_error_quark ())

/**
 * AtlasRasterError:
 * @ATLAS_RASTER_ERROR_SPEC: the base-map specification is not understood
 * @ATLAS_RASTER_ERROR_OPEN: the MBTiles file cannot be opened or is no MBTiles
 */
typedef enum
{
  ATLAS_RASTER_ERROR_SPEC,
  ATLAS_RASTER_ERROR_OPEN,
} AtlasRasterError;

typedef struct _AtlasRasterPainter AtlasRasterPainter;

GQuark              atlas_raster_error_quark          (void);
AtlasRasterPainter *atlas_raster_painter_new          (const char          *spec,
                                                       AtlasPainter        *fallback,
                                                       double               timeout_s,
                                                       GError             **error);
AtlasRasterPainter *atlas_raster_painter_ref          (AtlasRasterPainter  *self);
void                atlas_raster_painter_unref        (AtlasRasterPainter  *self);
AtlasPainter       *atlas_raster_painter_as_painter   (AtlasRasterPainter  *self);
const char         *atlas_raster_painter_get_attribution (AtlasRasterPainter *self);
void                atlas_raster_painter_set_attribution (AtlasRasterPainter *self,
                                                          const char         *attribution);
guint               atlas_raster_painter_get_missing  (AtlasRasterPainter  *self);
char               *atlas_raster_tile_url             (const char          *url_template,
                                                       guint                zoom,
                                                       guint                x,
                                                       guint                y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasRasterPainter, atlas_raster_painter_unref)

G_END_DECLS
