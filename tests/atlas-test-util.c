/* atlas-test-util.c — helpers shared by the test programs */

#include "atlas-test-util.h"
#include "atlas-resources.h"

/* The embedded data (about a second to load), with every part present. */
AtlasData *
atlas_test_load_data (void)
{
  AtlasData *data;

  atlas_register_resource ();
  data = atlas_data_load (NULL, TRUE);
  for (guint i = 0; i < data->problems->len; i++)
    g_error ("data not loaded: %s", (char *) data->problems->pdata[i]);
  return data;
}

AtlasOverlayFeature *
atlas_test_feature (AtlasData  *data,
                    const char *id)
{
  AtlasOverlayFeature *f = atlas_overlays_lookup_feature (data->overlays, id);

  if (f == NULL)
    g_error ("no feature “%s” in the overlays", id);
  return f;
}

AtlasOverlayLayer *
atlas_test_layer (AtlasData  *data,
                  const char *id)
{
  AtlasOverlayLayer *l = atlas_overlays_lookup_layer (data->overlays, id);

  if (l == NULL)
    g_error ("no layer “%s” in the overlays", id);
  return l;
}
