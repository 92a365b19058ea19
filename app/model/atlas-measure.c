/* atlas-measure.c — measuring on the map (geodesic) and the user's marks */

#include "config.h"

#include "atlas-measure.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "atlas-geo.h"
#include "atlas-overlays-json.h"

/* Vincenty's inverse formula on the WGS84 ellipsoid; the great circle when
 * it does not converge (nearly antipodal points, never in this region). */
double
atlas_measure_geodesic_m (double lon1,
                          double lat1,
                          double lon2,
                          double lat2)
{
  const double a = ATLAS_WGS84_A, f = ATLAS_WGS84_F, b = a * (1 - f);
  double L = (lon2 - lon1) * G_PI / 180;
  double U1 = atan ((1 - f) * tan (lat1 * G_PI / 180)), U2 = atan ((1 - f) * tan (lat2 * G_PI / 180));
  double sinU1 = sin (U1), cosU1 = cos (U1), sinU2 = sin (U2), cosU2 = cos (U2);
  double lambda = L, prev, sin_sigma, cos_sigma, sigma, cos2_alpha, cos_2sm;

  for (guint i = 0; i < 200; i++)
    {
      double sin_l = sin (lambda), cos_l = cos (lambda), sin_alpha, C;

      sin_sigma = sqrt ((cosU2 * sin_l) * (cosU2 * sin_l)
                        + (cosU1 * sinU2 - sinU1 * cosU2 * cos_l) * (cosU1 * sinU2 - sinU1 * cosU2 * cos_l));
      if (sin_sigma == 0)
        return 0;
      cos_sigma = sinU1 * sinU2 + cosU1 * cosU2 * cos_l;
      sigma = atan2 (sin_sigma, cos_sigma);
      sin_alpha = cosU1 * cosU2 * sin_l / sin_sigma;
      cos2_alpha = 1 - sin_alpha * sin_alpha;
      cos_2sm = cos2_alpha != 0 ? cos_sigma - 2 * sinU1 * sinU2 / cos2_alpha : 0;
      C = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha));
      prev = lambda;
      lambda = L + (1 - C) * f * sin_alpha
                   * (sigma + C * sin_sigma * (cos_2sm + C * cos_sigma * (-1 + 2 * cos_2sm * cos_2sm)));
      if (fabs (lambda - prev) < 1e-12)
        {
          double u2 = cos2_alpha * (a * a - b * b) / (b * b);
          double A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
          double B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
          double ds = B * sin_sigma * (cos_2sm + B / 4 * (cos_sigma * (-1 + 2 * cos_2sm * cos_2sm)
                                                          - B / 6 * cos_2sm * (-3 + 4 * sin_sigma * sin_sigma)
                                                            * (-3 + 4 * cos_2sm * cos_2sm)));
          return b * A * (sigma - ds);
        }
    }
  return atlas_geo_distance_m (lon1, lat1, lon2, lat2);
}

double
atlas_measure_path_m (const double *lonlat,
                      gsize         n_points)
{
  double sum = 0;

  for (gsize i = 1; i < n_points; i++)
    sum += atlas_measure_geodesic_m (lonlat[2 * i - 2], lonlat[2 * i - 1], lonlat[2 * i], lonlat[2 * i + 1]);
  return sum;
}

double
atlas_measure_area_m2 (const double *lonlat,
                       gsize         n_points)
{
  return atlas_geo_ring_area_m2 (lonlat, n_points);
}

/* "12.35 km" or "12.35 km · 45.6 km²" (the area of the closed shape). */
char *
atlas_measure_format (double length_m,
                      double area_m2)
{
  double km = length_m / 1000, km2 = area_m2 / 1e6;
  g_autofree char *length = g_strdup_printf (km < 10 ? "%.2f km" : km < 1000 ? "%.1f km" : "%.0f km", km);
  g_autofree char *area = NULL;

  if (area_m2 <= 0)
    return g_steal_pointer (&length);
  area = km2 < 10 ? g_strdup_printf ("%.3f", km2) : km2 < 1000 ? g_strdup_printf ("%.1f", km2)
                                                               : atlas_format_integer (km2);
  return g_strdup_printf (_("%s · area %s km²"), length, area);
}

static void
mark_clear (AtlasMark *m)
{
  g_free (m->name);
}

GArray *
atlas_marks_new (void)
{
  GArray *marks = g_array_new (FALSE, FALSE, sizeof (AtlasMark));

  g_array_set_clear_func (marks, (GDestroyNotify) mark_clear);
  return marks;
}

void
atlas_marks_add (GArray     *marks,
                 const char *name,
                 double      lon,
                 double      lat)
{
  AtlasMark m = { g_strdup (name), lon, lat };

  g_array_append_val (marks, m);
}

char *
atlas_marks_to_geojson (GArray *marks)
{
  GString *s = g_string_new ("{\n  \"type\": \"FeatureCollection\",\n  \"name\": \"marks\",\n  \"features\": [");

  for (guint i = 0; i < marks->len; i++)
    {
      AtlasMark *m = &g_array_index (marks, AtlasMark, i);
      g_autoptr(JsonNode) name = json_node_init_string (json_node_alloc (), m->name);
      g_autofree char *quoted = json_to_string (name, FALSE);
      char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (s, "%s\n    { \"type\": \"Feature\", \"properties\": { \"name\": %s }, "
                              "\"geometry\": { \"type\": \"Point\", \"coordinates\": [%s, %s] } }",
                              i > 0 ? "," : "", quoted,
                              g_ascii_formatd (lon, sizeof lon, "%.7f", m->lon),
                              g_ascii_formatd (lat, sizeof lat, "%.7f", m->lat));
    }
  g_string_append (s, "\n  ]\n}\n");
  return g_string_free (s, FALSE);
}

/* Writes the marks to a temporary file beside @path and renames it. */
gboolean
atlas_marks_save (GArray      *marks,
                  const char  *path,
                  GError     **error)
{
  g_autofree char *text = atlas_marks_to_geojson (marks);

  return atlas_write_file_atomically (path, text, error);
}
