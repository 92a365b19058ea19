/* atlas-basemap-prefs.c — Preferences: the user's own base map (MBTiles or XYZ) */

#include "config.h"

#include "atlas-basemap-prefs.h"

#include <glib/gi18n.h>

#include "render/atlas-raster-painter.h"

enum { KIND_EMBEDDED, KIND_MBTILES, KIND_XYZ };

struct _AtlasBasemapPrefs
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;     /* nullable */
  AtlasBasemapApply     apply;
  gpointer              apply_data;
  AdwComboRow          *kind_row;
  AdwEntryRow          *source_row;
  AdwEntryRow          *attribution_row;
};

G_DEFINE_FINAL_TYPE (AtlasBasemapPrefs, atlas_basemap_prefs, ADW_TYPE_PREFERENCES_WINDOW)

static void
kind_changed_cb (AtlasBasemapPrefs *self)
{
  guint kind = adw_combo_row_get_selected (self->kind_row);

  gtk_widget_set_sensitive (GTK_WIDGET (self->source_row), kind != KIND_EMBEDDED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->attribution_row), kind != KIND_EMBEDDED);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->source_row),
                                 kind == KIND_XYZ ? _("Tile URL with {z}, {x} and {y}")
                                                  : _("MBTiles file"));
}

/**
 * atlas_basemap_prefs_apply:
 * @kind: 0 embedded, 1 MBTiles, 2 XYZ
 *
 * Checks the source, saves it and hands it to the window; an unusable one is
 * reported in the dialog and nothing changes.
 */
gboolean
atlas_basemap_prefs_apply (AtlasBasemapPrefs *self,
                           guint              kind,
                           const char        *source,
                           const char        *attribution)
{
  g_autofree char *spec = kind == KIND_MBTILES ? g_strconcat ("mbtiles:", source, NULL)
                          : kind == KIND_XYZ ? g_strconcat ("xyz:", source, NULL) : g_strdup ("");
  g_autoptr(GError) error = NULL;

  if (*spec != '\0')
    {
      g_autoptr(AtlasRasterPainter) check = atlas_raster_painter_new (spec, NULL, 5, &error);

      if (check == NULL)
        {
          adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
          return FALSE;
        }
    }
  if (self->settings != NULL)
    {
      g_settings_set_string (self->settings, "basemap", spec);
      g_settings_set_string (self->settings, "basemap-attribution", attribution != NULL ? attribution : "");
    }
  if (self->apply != NULL)
    self->apply (self->apply_data, spec, attribution);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (*spec != '\0' ? _("Your base map is shown")
                                                                 : _("The embedded map is shown")));
  return TRUE;
}

static void
apply_clicked_cb (AtlasBasemapPrefs *self)
{
  atlas_basemap_prefs_apply (self, adw_combo_row_get_selected (self->kind_row),
                             gtk_editable_get_text (GTK_EDITABLE (self->source_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->attribution_row)));
}

static void
chooser_response_cb (GtkNativeDialog   *dialog,
                     int                response,
                     AtlasBasemapPrefs *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))
                                                          : NULL;
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  if (path != NULL)
    {
      adw_combo_row_set_selected (self->kind_row, KIND_MBTILES);
      gtk_editable_set_text (GTK_EDITABLE (self->source_row), path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_clicked_cb (AtlasBasemapPrefs *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Choose an MBTiles File"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                                               _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
atlas_basemap_prefs_dispose (GObject *object)
{
  g_clear_object (&ATLAS_BASEMAP_PREFS (object)->settings);
  G_OBJECT_CLASS (atlas_basemap_prefs_parent_class)->dispose (object);
}

static void
atlas_basemap_prefs_class_init (AtlasBasemapPrefsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = atlas_basemap_prefs_dispose;
}

static void
atlas_basemap_prefs_init (AtlasBasemapPrefs *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  const char *kinds[] = { N_("Embedded offline map"), N_("MBTiles file"), N_("XYZ tile server"), NULL };
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *choose = gtk_button_new_from_icon_name ("document-open-symbolic");
  GtkWidget *apply = gtk_button_new_with_mnemonic (_("_Apply"));

  for (guint i = 0; kinds[i] != NULL; i++)
    gtk_string_list_append (model, _(kinds[i]));
  gtk_window_set_title (GTK_WINDOW (self), _("Preferences"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 420);
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Base Map"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "mark-location-symbolic");
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Base Map"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    _("Draw the plan on your own tiles: a raster MBTiles file or your organisation’s tile server. "
      "The embedded map fills in where a tile is missing. The network is used only for a tile server."));

  self->kind_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->kind_row), _("Source"));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (model));
  self->source_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (choose, "flat");
  gtk_widget_set_tooltip_text (choose, _("Choose an MBTiles file"));
  adw_entry_row_add_suffix (self->source_row, choose);
  self->attribution_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->attribution_row), _("Credit line (attribution)"));
  gtk_widget_set_halign (apply, GTK_ALIGN_END);
  gtk_widget_set_margin_top (apply, 12);
  gtk_widget_add_css_class (apply, "suggested-action");

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->kind_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->source_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->attribution_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), apply);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (kind_changed_cb), self);
  g_signal_connect_swapped (choose, "clicked", G_CALLBACK (choose_clicked_cb), self);
  g_signal_connect_swapped (apply, "clicked", G_CALLBACK (apply_clicked_cb), self);
  kind_changed_cb (self);
}

AtlasBasemapPrefs *
atlas_basemap_prefs_new (GtkWindow         *parent,
                         GSettings         *settings,
                         AtlasBasemapApply  apply,
                         gpointer           user_data)
{
  AtlasBasemapPrefs *self = g_object_new (ATLAS_TYPE_BASEMAP_PREFS, "transient-for", parent, "modal", TRUE, NULL);

  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  self->apply = apply;
  self->apply_data = user_data;
  if (settings != NULL)
    {
      g_autofree char *spec = g_settings_get_string (settings, "basemap");
      g_autofree char *attribution = g_settings_get_string (settings, "basemap-attribution");

      if (g_str_has_prefix (spec, "mbtiles:") || g_str_has_prefix (spec, "xyz:"))
        {
          gboolean xyz = g_str_has_prefix (spec, "xyz:");

          adw_combo_row_set_selected (self->kind_row, xyz ? KIND_XYZ : KIND_MBTILES);
          gtk_editable_set_text (GTK_EDITABLE (self->source_row), spec + (xyz ? 4 : 8));
        }
      gtk_editable_set_text (GTK_EDITABLE (self->attribution_row), attribution);
    }
  return self;
}
