/* atlas-geo.h — Web Mercator, tile maths and small geodesy helpers
 *
 * Coordinates on the map are kept as "world" coordinates: Web Mercator
 * normalised to the unit square, x to the east and y to the south, so that
 * pixel = world × 256 × 2^zoom for 256-pixel tiles.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATLAS_TILE_SIZE 256
#define ATLAS_MAX_LATITUDE 85.0511287798066

/* The WGS84 ellipsoid. */
#define ATLAS_WGS84_A 6378137.0
#define ATLAS_WGS84_F (1.0 / 298.257223563)
/* The equator's length, 2π a: metres per unit of world x at latitude 0. */
#define ATLAS_EARTH_CIRCUMFERENCE_M 40075016.686

typedef struct
{
  double x;
  double y;
} AtlasPoint;

typedef struct
{
  double x0, y0, x1, y1;
} AtlasRect;

double   atlas_geo_lon_to_world_x      (double       lon);
double   atlas_geo_lat_to_world_y      (double       lat);
double   atlas_geo_world_x_to_lon      (double       x);
double   atlas_geo_world_y_to_lat      (double       y);

void     atlas_geo_tile_world_rect     (guint        zoom,
                                        guint        tile_x,
                                        guint        tile_y,
                                        AtlasRect   *out);
void     atlas_geo_lonlat_to_tile      (double       lon,
                                        double       lat,
                                        guint        zoom,
                                        guint       *tile_x,
                                        guint       *tile_y);
double   atlas_geo_meters_per_pixel    (double       lat,
                                        double       zoom);

double   atlas_geo_distance_m          (double       lon1,
                                        double       lat1,
                                        double       lon2,
                                        double       lat2);

double   atlas_geo_ring_area_m2        (const double *lonlat,
                                        gsize         n_points);

gboolean atlas_geo_point_in_ring       (const AtlasPoint *ring,
                                        gsize             n_points,
                                        double            x,
                                        double            y);

gboolean atlas_rect_intersects         (const AtlasRect *a,
                                        const AtlasRect *b);

double   atlas_geo_round_scale_length  (double       max_length_m);
char    *atlas_format_integer          (double       value);

G_END_DECLS
