/* atlas-settings.c — the application's GSettings and what the window remembers in them */

#include "config.h"

#include "atlas-settings.h"
#include "atlas-application.h"

/**
 * atlas_settings_new:
 *
 * The application's settings, from the installed schema or, when running
 * from the build tree, from the schema compiled there.
 *
 * Returns: (transfer full) (nullable): settings, or %NULL when no schema is found
 */
GSettings *
atlas_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaSource) build_source = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, ATLAS_APPLICATION_ID, TRUE);

  if (schema == NULL && g_file_test (ATLAS_BUILD_SCHEMA_DIR, G_FILE_TEST_IS_DIR))
    {
      build_source = g_settings_schema_source_new_from_directory (ATLAS_BUILD_SCHEMA_DIR, source,
                                                                  FALSE, NULL);
      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, ATLAS_APPLICATION_ID, FALSE);
    }

  if (schema == NULL)
    {
      g_message ("Settings schema %s not found: the view will not be remembered",
                 ATLAS_APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/* The first window: 80 % of the screen. */
static void
screen_size (int *width,
             int *height)
{
  GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
  g_autoptr(GdkMonitor) monitor = g_list_model_get_n_items (monitors) > 0
                                  ? g_list_model_get_item (monitors, 0) : NULL;
  GdkRectangle area = { 0, 0, 1280, 800 };

  if (monitor != NULL)
    gdk_monitor_get_geometry (monitor, &area);
  *width = area.width * 0.8;
  *height = area.height * 0.8;
}

/**
 * atlas_settings_restore_window:
 * @latitude: (inout): the view left last time, unchanged without settings
 *
 * Gives @window the size and maximized state it was closed with.
 */
void
atlas_settings_restore_window (GSettings *settings,
                               GtkWindow *window,
                               double    *latitude,
                               double    *longitude,
                               double    *zoom)
{
  int width, height;

  if (settings == NULL)
    return;

  *latitude = g_settings_get_double (settings, "latitude");
  *longitude = g_settings_get_double (settings, "longitude");
  *zoom = g_settings_get_double (settings, "zoom");
  g_settings_get (settings, "window-size", "(ii)", &width, &height);
  if (width <= 0 || height <= 0)
    screen_size (&width, &height);
  gtk_window_set_default_size (window, MAX (width, 480), MAX (height, 360));
  /* read once here; written with the rest at close (atlas_settings_save_window) */
  g_settings_bind (settings, "window-maximized", window, "maximized",
                   G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);
}

/**
 * atlas_settings_save_window:
 * @sidebar: the layers' sidebar, remembered unless it is folded
 *
 * Writes the window's size, view and sidebar at once.
 */
void
atlas_settings_save_window (GSettings       *settings,
                            GtkWindow       *window,
                            ShumateViewport *viewport,
                            AdwFlap         *sidebar)
{
  int width, height;

  if (settings == NULL)
    return;

  g_settings_delay (settings);
  g_settings_set_double (settings, "latitude", shumate_location_get_latitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (settings, "longitude", shumate_location_get_longitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (settings, "zoom", shumate_viewport_get_zoom_level (viewport));
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set (settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
  if (!adw_flap_get_folded (sidebar))
    g_settings_set_boolean (settings, "sidebar-visible", adw_flap_get_reveal_flap (sidebar));
  g_settings_apply (settings);
}

/* Without settings the sidebar shows. */
gboolean
atlas_settings_get_sidebar_visible (GSettings *settings)
{
  return settings == NULL || g_settings_get_boolean (settings, "sidebar-visible");
}

/**
 * atlas_settings_restore_layers:
 * @figures: (nullable): the plan's figures
 * @first_figure: (nullable): the figure whose layers a first start shows
 *
 * The layers and features the user left shown, or on a first start those
 * of @first_figure.
 */
void
atlas_settings_restore_layers (GSettings         *settings,
                               AtlasLayerState   *state,
                               AtlasFigures      *figures,
                               const AtlasFigure *first_figure,
                               AtlasOverlays     *overlays)
{
  g_autoptr(GVariant) saved = NULL;

  if (settings == NULL)
    return;

  saved = g_settings_get_value (settings, "layers");
  if (g_variant_n_children (saved) == 0 && figures != NULL && first_figure != NULL)
    {
      g_clear_pointer (&saved, g_variant_unref);
      saved = g_variant_ref_sink (atlas_figure_to_layer_variant (figures, first_figure, overlays));
    }
  atlas_layer_state_apply_variant (state, saved);
  g_clear_pointer (&saved, g_variant_unref);
  saved = g_settings_get_value (settings, "hidden-features");
  atlas_layer_state_apply_hidden_variant (state, saved);
}

void
atlas_settings_save_layers (GSettings       *settings,
                            AtlasLayerState *state)
{
  if (settings == NULL)
    return;

  g_settings_set_value (settings, "layers", atlas_layer_state_to_variant (state));
  g_settings_set_value (settings, "hidden-features", atlas_layer_state_hidden_to_variant (state));
}
