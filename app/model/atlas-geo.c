/* atlas-geo.c — Web Mercator, tile maths and small geodesy helpers */

#include "atlas-geo.h"

#include <math.h>
#include <string.h>

double
atlas_geo_lon_to_world_x (double lon)
{
  return (lon + 180.0) / 360.0;
}

double
atlas_geo_lat_to_world_y (double lat)
{
  double phi;

  lat = CLAMP (lat, -ATLAS_MAX_LATITUDE, ATLAS_MAX_LATITUDE);
  phi = lat * G_PI / 180.0;

  return (1.0 - log (tan (phi) + 1.0 / cos (phi)) / G_PI) / 2.0;
}

double
atlas_geo_world_x_to_lon (double x)
{
  return x * 360.0 - 180.0;
}

double
atlas_geo_world_y_to_lat (double y)
{
  double n = G_PI - 2.0 * G_PI * y;

  return 180.0 / G_PI * atan (0.5 * (exp (n) - exp (-n)));
}

void
atlas_geo_tile_world_rect (guint      zoom,
                           guint      tile_x,
                           guint      tile_y,
                           AtlasRect *out)
{
  double n = (double) (1u << zoom);

  out->x0 = tile_x / n;
  out->y0 = tile_y / n;
  out->x1 = (tile_x + 1) / n;
  out->y1 = (tile_y + 1) / n;
}

void
atlas_geo_lonlat_to_tile (double  lon,
                          double  lat,
                          guint   zoom,
                          guint  *tile_x,
                          guint  *tile_y)
{
  double n = (double) (1u << zoom);
  double x = floor (atlas_geo_lon_to_world_x (lon) * n);
  double y = floor (atlas_geo_lat_to_world_y (lat) * n);

  *tile_x = (guint) CLAMP (x, 0, n - 1);
  *tile_y = (guint) CLAMP (y, 0, n - 1);
}

/* Ground metres covered by one 256-tile pixel at @lat. */
double
atlas_geo_meters_per_pixel (double lat,
                            double zoom)
{
  return cos (lat * G_PI / 180.0) * 2.0 * G_PI * ATLAS_WGS84_A
         / (ATLAS_TILE_SIZE * pow (2.0, zoom));
}

/* Great-circle distance on the mean sphere; plenty for scale bars and labels. */
double
atlas_geo_distance_m (double lon1,
                      double lat1,
                      double lon2,
                      double lat2)
{
  const double r = 6371008.8;
  double p1 = lat1 * G_PI / 180.0, p2 = lat2 * G_PI / 180.0;
  double dp = p2 - p1, dl = (lon2 - lon1) * G_PI / 180.0;
  double h = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2.0 * r * asin (MIN (1.0, sqrt (h)));
}

/* Authalic latitude function q(φ) of the ellipsoid (Snyder 1987, eq. 3-12). */
static double
authalic_q (double phi)
{
  const double e2 = ATLAS_WGS84_F * (2.0 - ATLAS_WGS84_F);
  const double e = sqrt (e2);
  double s = sin (phi);

  return (1.0 - e2) * (s / (1.0 - e2 * s * s)
                       - 1.0 / (2.0 * e) * log ((1.0 - e * s) / (1.0 + e * s)));
}

/* Ellipsoidal area of a ring given as lon/lat pairs (degrees), in m²,
 * always positive: the line integral a²/2 ∮ q dλ on the Lambert
 * cylindrical equal-area projection, by the trapezoid rule. */
double
atlas_geo_ring_area_m2 (const double *lonlat,
                        gsize         n_points)
{
  double sum = 0.0;

  if (n_points < 3)
    return 0.0;

  for (gsize i = 0; i < n_points; i++)
    {
      gsize j = (i + 1) % n_points;
      double l1 = lonlat[2 * i] * G_PI / 180.0, l2 = lonlat[2 * j] * G_PI / 180.0;
      double q1 = authalic_q (lonlat[2 * i + 1] * G_PI / 180.0);
      double q2 = authalic_q (lonlat[2 * j + 1] * G_PI / 180.0);

      sum += (l2 - l1) * (q1 + q2) / 2.0;
    }

  return fabs (sum) * ATLAS_WGS84_A * ATLAS_WGS84_A / 2.0;
}

/* Even-odd crossing test; the ring need not be closed. */
gboolean
atlas_geo_point_in_ring (const AtlasPoint *ring,
                         gsize             n_points,
                         double            x,
                         double            y)
{
  gboolean inside = FALSE;

  for (gsize i = 0, j = n_points - 1; i < n_points; j = i++)
    {
      if (((ring[i].y > y) != (ring[j].y > y))
          && (x < (ring[j].x - ring[i].x) * (y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x))
        inside = !inside;
    }

  return inside;
}

gboolean
atlas_rect_intersects (const AtlasRect *a,
                       const AtlasRect *b)
{
  return a->x0 <= b->x1 && b->x0 <= a->x1 && a->y0 <= b->y1 && b->y0 <= a->y1;
}

/* The largest "round" length (1, 2 or 5 × 10^n metres) not above @max_length_m. */
double
atlas_geo_round_scale_length (double max_length_m)
{
  double p, f;

  if (max_length_m <= 0)
    return 0;

  p = pow (10.0, floor (log10 (max_length_m)));
  f = max_length_m / p;

  if (f >= 5)
    return 5 * p;
  if (f >= 2)
    return 2 * p;
  return p;
}

/**
 * atlas_format_integer:
 *
 * @value rounded and grouped by thousands with commas, as the plan writes
 * figures in tables: 27000 → "27,000", whatever the locale.
 *
 * Returns: (transfer full): the text
 */
char *
atlas_format_integer (double value)
{
  g_autofree char *digits = g_strdup_printf ("%.0f", fabs (round (value)));
  GString *s = g_string_new (value < -0.5 ? "-" : "");
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}
