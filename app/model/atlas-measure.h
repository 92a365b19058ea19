/* atlas-measure.h — measuring on the map (geodesic) and the user's marks
 *
 * Distances are geodesics on the WGS84 ellipsoid (Vincenty's inverse
 * formula), areas ellipsoidal (atlas_geo_ring_area_m2). Marks are named
 * points saved as a GeoJSON FeatureCollection the user chooses, written to a
 * temporary file and renamed, and read back with the OGR reader like any
 * other file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  double  lon, lat;
} AtlasMark;

double    atlas_measure_geodesic_m (double        lon1,
                                    double        lat1,
                                    double        lon2,
                                    double        lat2);
double    atlas_measure_path_m     (const double *lonlat,
                                    gsize         n_points);
double    atlas_measure_area_m2    (const double *lonlat,
                                    gsize         n_points);
char     *atlas_measure_format     (double        length_m,
                                    double        area_m2);

GArray   *atlas_marks_new          (void);
void      atlas_marks_add          (GArray       *marks,
                                    const char   *name,
                                    double        lon,
                                    double        lat);
char     *atlas_marks_to_geojson   (GArray       *marks);
gboolean  atlas_marks_save         (GArray       *marks,
                                    const char   *path,
                                    GError      **error);

G_END_DECLS
