/* atlas-user-panel.c — "我的数据 / My data": the user's own files on the map */

#include "config.h"

#include "atlas-user-panel.h"

#include <geos_c.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "map/atlas-tile-source.h"
#include "model/atlas-locate.h"
#include "model/atlas-measure.h"
#include "model/atlas-user-data.h"
#include "render/atlas-user-renderer.h"

#define HIT_TOLERANCE_PX 6
#define STALL_PROBE_MS 5
#define STALL_AFTER_LOAD_US (3 * G_USEC_PER_SEC)   /* the first drawing of what was loaded */
#define MAX_RECENT 8

typedef struct _Entry Entry;

struct _AtlasUserPanel
{
  GtkBox            parent_instance;

  ShumateSimpleMap *map;
  ShumateLayer     *above;       /* the user layers go below this one */
  AtlasData        *data;        /* the application's, a reference */
  GSettings        *settings;    /* nullable */
  GPtrArray        *entries;     /* Entry */
  GPtrArray        *loads;       /* Load, running */
  AtlasUserRenderer *renderer;
  AtlasTileSource  *source;
  ShumateMapLayer  *layer;
  AtlasLocator     *locator;     /* lazily */
  guint             serial;
  guint             progress_id;
  gboolean          restoring;
  /* with debug messages on: the main loop's longest stall while files load */
  guint             stall_probe_id;
  gint64            stall_last, stall_max, stall_started, stall_until;

  GtkListBox       *list;
  GtkLabel         *empty_label;
  GtkBox           *progress_box;
  GtkProgressBar   *progress;
  GtkMenuButton    *recent_button;
  GtkRevealer      *details_revealer;
  GtkLabel         *details_title;
  GtkLabel         *details;

  /* measure and mark */
  GtkToggleButton  *measure_button;
  GtkToggleButton  *mark_button;
  GtkToggleButton  *locate_button;    /* a click reports where the point falls */
  GtkLabel         *tool_label;
  GtkEntry         *mark_name;
  GtkDropDown      *crs_drop;         /* coordinates of files opened next */
  ShumatePathLayer *measure_layer;
  GArray           *measure_points;   /* lon, lat pairs */
  GArray           *marks;            /* AtlasMark */
  char             *marks_path;
};

struct _Entry
{
  AtlasUserPanel      *panel;
  AtlasUserLayerStyle  style;
  GtkWidget           *row;
};

typedef struct
{
  GWeakRef      panel;
  GCancellable *cancellable;
  char         *path;
  gint          permille;
} Load;

enum { MESSAGE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtlasUserPanel, atlas_user_panel, GTK_TYPE_BOX)

static void
entry_free (Entry *e)
{
  atlas_user_data_free (e->style.data);
  g_free (e);
}

static void
load_free (Load *load)
{
  g_weak_ref_clear (&load->panel);
  g_object_unref (load->cancellable);
  g_free (load->path);
  g_free (load);
}

static void
say (AtlasUserPanel *self,
     const char     *message)
{
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

/* ---- the map layer ---- */

static void
refresh_map (AtlasUserPanel *self)
{
  ShumateMap *map = shumate_simple_map_get_map (self->map);
  g_autoptr(GArray) styles = g_array_new (FALSE, FALSE, sizeof (AtlasUserLayerStyle));
  g_autofree char *id = NULL;
  ShumateMapLayer *old = self->layer;

  for (guint i = 0; i < self->entries->len; i++)
    g_array_append_val (styles, ((Entry *) self->entries->pdata[i])->style);
  g_clear_pointer (&self->renderer, atlas_user_renderer_unref);
  g_clear_object (&self->source);
  self->layer = NULL;
  if (styles->len > 0)
    {
      self->renderer = atlas_user_renderer_new ((AtlasUserLayerStyle *) styles->data, styles->len);
      id = g_strdup_printf ("capital-atlas-user-%u", ++self->serial);
      self->source = atlas_tile_source_new (atlas_user_renderer_as_painter (self->renderer), id,
                                            _("My data"), NULL);
      atlas_tile_source_set_scale_factor (self->source, gtk_widget_get_scale_factor (GTK_WIDGET (self->map)));
      self->layer = shumate_map_layer_new (SHUMATE_MAP_SOURCE (self->source),
                                           shumate_simple_map_get_viewport (self->map));
      shumate_map_insert_layer_behind (map, SHUMATE_LAYER (self->layer), self->above);
    }
  if (old != NULL)
    shumate_map_remove_layer (map, SHUMATE_LAYER (old));
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->entries->len == 0);
}

static void
save_paths (AtlasUserPanel *self)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  if (self->settings == NULL || self->restoring)
    return;
  g_ptr_array_set_free_func (paths, g_free);
  for (guint i = 0; i < self->entries->len; i++)
    {
      AtlasUserData *ud = ((Entry *) self->entries->pdata[i])->style.data;
      g_autofree char *crs = atlas_crs_to_string (&ud->crs);
      char *path = ud->crs.kind == ATLAS_CRS_AUTO ? g_strdup (ud->path) : g_strdup_printf ("%s:%s", crs, ud->path);

      if (!g_ptr_array_find_with_equal_func (paths, path, g_str_equal, NULL))
        g_ptr_array_add (paths, path);
      else
        g_free (path);
    }
  g_ptr_array_add (paths, NULL);
  g_settings_set_strv (self->settings, "user-files", (const char * const *) paths->pdata);
}

/* ---- rows ---- */

static void
visible_toggled_cb (GtkCheckButton *check,
                    Entry          *e)
{
  e->style.visible = gtk_check_button_get_active (check);
  refresh_map (e->panel);
}

static void
colour_set_cb (GtkColorButton *button,
               Entry          *e)
{
  GdkRGBA rgba;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  e->style.colour = (AtlasColor) { rgba.red, rgba.green, rgba.blue, 1 };
  refresh_map (e->panel);
}

static void
opacity_changed_cb (GtkRange *range,
                    Entry    *e)
{
  e->style.opacity = gtk_range_get_value (range);
  refresh_map (e->panel);
}

static void
label_chosen_cb (GtkDropDown *drop,
                 GParamSpec  *pspec,
                 Entry       *e)
{
  guint i = gtk_drop_down_get_selected (drop);

  e->style.label_field = i == 0 || i == GTK_INVALID_LIST_POSITION ? -1 : (int) i - 1;
  refresh_map (e->panel);
}

static void
remove_clicked_cb (GtkButton *button,
                   Entry     *e)
{
  AtlasUserPanel *self = e->panel;

  gtk_list_box_remove (self->list, e->row);
  g_ptr_array_remove (self->entries, e);
  gtk_revealer_set_reveal_child (self->details_revealer, FALSE);
  refresh_map (self);
  save_paths (self);
}

static GtkWidget *
build_row (Entry *e)
{
  AtlasUserLayer *layer = g_ptr_array_index (e->style.data->layers, e->style.layer);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GdkRGBA rgba = { e->style.colour.r, e->style.colour.g, e->style.colour.b, 1 };
  GtkWidget *colour = gtk_color_button_new_with_rgba (&rgba);
  GtkWidget *name = gtk_label_new (layer->name);
  g_autofree char *count_text = g_strdup_printf (ngettext ("%u feature", "%u features", layer->features->len),
                                                 layer->features->len);
  GtkWidget *count = gtk_label_new (count_text);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.05);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *drop;
  g_autofree char *tooltip = g_strdup_printf ("%s\n%s", layer->file, e->style.data->crs_note);

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), e->style.visible);
  gtk_widget_set_tooltip_text (check, _("Show this layer"));
  gtk_widget_set_tooltip_text (colour, _("Colour"));
  gtk_widget_set_valign (colour, GTK_ALIGN_CENTER);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_set_tooltip_text (name, tooltip);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Close this file"));
  gtk_box_append (GTK_BOX (top), check);
  gtk_box_append (GTK_BOX (top), colour);
  gtk_box_append (GTK_BOX (top), name);
  gtk_box_append (GTK_BOX (top), count);
  gtk_box_append (GTK_BOX (top), remove);

  gtk_range_set_value (GTK_RANGE (scale), e->style.opacity);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_widget_set_tooltip_text (scale, _("Opacity"));
  g_ptr_array_add (labels, (gpointer) _("No labels"));
  for (guint i = 0; layer->fields[i] != NULL; i++)
    g_ptr_array_add (labels, layer->fields[i]);
  g_ptr_array_add (labels, NULL);
  drop = gtk_drop_down_new_from_strings ((const char * const *) labels->pdata);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop), e->style.label_field + 1);
  gtk_widget_set_tooltip_text (drop, _("Label the features with this attribute"));
  gtk_box_append (GTK_BOX (bottom), scale);
  gtk_box_append (GTK_BOX (bottom), drop);

  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), bottom);

  g_signal_connect (check, "toggled", G_CALLBACK (visible_toggled_cb), e);
  g_signal_connect (colour, "color-set", G_CALLBACK (colour_set_cb), e);
  g_signal_connect (scale, "value-changed", G_CALLBACK (opacity_changed_cb), e);
  g_signal_connect (drop, "notify::selected", G_CALLBACK (label_chosen_cb), e);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), e);
  return box;
}

static void
add_file (AtlasUserPanel *self,
          AtlasUserData  *ud)
{
  for (guint l = 0; l < ud->layers->len; l++)
    {
      AtlasUserLayer *layer = g_ptr_array_index (ud->layers, l);
      Entry *e = g_new0 (Entry, 1);

      e->panel = self;
      e->style.data = atlas_user_data_ref (ud);
      e->style.layer = l;
      e->style.visible = TRUE;
      e->style.opacity = 1.0;
      atlas_user_color_for_index (self->entries->len, &e->style.colour);
      e->style.label_field = layer->features->len <= 2000 ? layer->name_field : -1;
      g_ptr_array_add (self->entries, e);
      e->row = build_row (e);
      gtk_list_box_append (self->list, e->row);
      e->row = gtk_widget_get_parent (e->row);   /* the GtkListBoxRow */
    }
  refresh_map (self);
}

/* ---- recent files ---- */

static void
rebuild_recent_menu (AtlasUserPanel *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint n = 0;

  for (GList *l = items; l != NULL && n < MAX_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autofree char *path = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (!gtk_recent_info_has_group (info, "capital-atlas-user-data") || !gtk_recent_info_is_local (info))
        continue;
      path = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
      if (path == NULL)
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "user.open-recent", "s", path);
      g_menu_append_item (menu, item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  gtk_menu_button_set_menu_model (self->recent_button, G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (GTK_WIDGET (self->recent_button), n > 0);
}

static void
remember_recent (AtlasUserPanel *self,
                 const char     *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  static const char *groups[] = { "capital-atlas-user-data", NULL };
  GtkRecentData data = { NULL, NULL, (char *) "application/octet-stream", (char *) "capital-atlas",
                         (char *) "capital-atlas %u", (char **) groups, FALSE };

  if (uri != NULL)
    gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* ---- loading ---- */

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  Load *load = user_data;

  /* on the worker thread */
  g_atomic_int_set (&load->permille, (int) (fraction * 1000));
}

static gboolean
update_progress_cb (gpointer user_data)
{
  AtlasUserPanel *self = user_data;
  double sum = 0;

  g_autofree char *text = NULL;

  for (guint i = 0; i < self->loads->len; i++)
    sum += g_atomic_int_get (&((Load *) self->loads->pdata[i])->permille) / 1000.0;
  if (self->loads->len > 0)
    gtk_progress_bar_set_fraction (self->progress, sum / self->loads->len);
  if (self->loads->len == 1)
    {
      g_autofree char *base = g_path_get_basename (((Load *) self->loads->pdata[0])->path);

      text = g_strdup_printf (_("Loading %s"), base);
    }
  else if (self->loads->len > 1)
    text = g_strdup_printf (ngettext ("Loading %u file", "Loading %u files", self->loads->len), self->loads->len);
  if (text != NULL && g_strcmp0 (text, gtk_progress_bar_get_text (self->progress)) != 0)
    gtk_progress_bar_set_text (self->progress, text);
  return G_SOURCE_CONTINUE;
}

static gboolean
stall_probe_cb (gpointer user_data)
{
  AtlasUserPanel *self = user_data;
  gint64 now = g_get_monotonic_time ();

  self->stall_max = MAX (self->stall_max, now - self->stall_last - STALL_PROBE_MS * 1000);
  self->stall_last = now;
  if (self->loads->len > 0 || now < self->stall_until)
    return G_SOURCE_CONTINUE;
  g_debug ("My data: the main loop's longest stall was %.1f ms while files loaded and were first drawn (%.1f s)",
           self->stall_max / 1000.0, (now - self->stall_started) / 1e6);
  self->stall_probe_id = 0;
  return G_SOURCE_REMOVE;
}

/* G_MESSAGES_DEBUG=atlas-widgets: a probe on the main loop while files load */
static void
start_stall_probe (AtlasUserPanel *self)
{
  if (self->stall_probe_id != 0 || g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;
  self->stall_max = 0;
  self->stall_started = self->stall_last = g_get_monotonic_time ();
  self->stall_probe_id = g_timeout_add_full (G_PRIORITY_HIGH, STALL_PROBE_MS, stall_probe_cb, self, NULL);
}

static void
update_loading (AtlasUserPanel *self)
{
  gboolean loading = self->loads->len > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), loading);
  if (loading && self->progress_id == 0)
    {
      gtk_progress_bar_set_fraction (self->progress, 0);
      self->progress_id = g_timeout_add (100, update_progress_cb, self);
    }
  if (loading)
    {
      update_progress_cb (self);
      start_stall_probe (self);
    }
  else
    {
      g_clear_handle_id (&self->progress_id, g_source_remove);
      self->stall_until = g_get_monotonic_time () + STALL_AFTER_LOAD_US;
    }
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Load *load = user_data;
  g_autoptr(AtlasUserPanel) self = g_weak_ref_get (&load->panel);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasUserData) ud = atlas_user_data_load_finish (result, &error);

  if (self != NULL)
    {
      g_ptr_array_remove (self->loads, load);
      update_loading (self);
      if (ud != NULL)
        {
          add_file (self, ud);
          remember_recent (self, load->path);
          rebuild_recent_menu (self);
          save_paths (self);
          if (ud->n_repaired > 0)
            {
              g_autofree char *base = g_path_get_basename (load->path);
              g_autofree char *text = g_strdup_printf (ngettext ("%s: %u invalid polygon was repaired",
                                                                 "%s: %u invalid polygons were repaired",
                                                                 ud->n_repaired), base, ud->n_repaired);
              say (self, text);
            }
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, error->message);
    }
  load_free (load);
}

static const AtlasCrsKind crs_choices[] = { ATLAS_CRS_AUTO, ATLAS_CRS_WGS84, ATLAS_CRS_GCJ02, ATLAS_CRS_BD09 };

/* @path, or "CRS:PATH" as the settings keep files read with a chosen CRS
 * ("gcj02:/home/…/sites.kml"). */
void
atlas_user_panel_open_file (AtlasUserPanel *self,
                            const char     *path)
{
  AtlasCrs crs = { crs_choices[MIN (gtk_drop_down_get_selected (self->crs_drop), 3)], 0 };
  const char *colon = path[0] != '/' ? strchr (path, ':') : NULL;
  g_autofree char *crs_text = NULL;
  Load *load;

  g_return_if_fail (ATLAS_IS_USER_PANEL (self));
  if (colon != NULL && g_str_has_prefix (path, "EPSG:"))
    colon = strchr (colon + 1, ':');
  if (colon != NULL && colon[1] == '/')
    {
      crs_text = g_strndup (path, colon - path);
      if (atlas_crs_parse (crs_text, &crs, NULL))
        path = colon + 1;
    }
  load = g_new0 (Load, 1);
  g_weak_ref_init (&load->panel, self);
  load->cancellable = g_cancellable_new ();
  load->path = g_strdup (path);
  g_ptr_array_add (self->loads, load);
  update_loading (self);
  atlas_user_data_load_async (path, &crs, load->cancellable, progress_cb, load, loaded_cb, load);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     AtlasUserPanel  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            atlas_user_panel_open_file (self, path);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

void
atlas_user_panel_choose_file (AtlasUserPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkFileFilter *all = gtk_file_filter_new ();
  static const char *const patterns[] = { "*.geojson", "*.json", "*.kml", "*.kmz", "*.gpx", "*.shp", "*.zip",
                                          "*.gpkg", "*.csv", "*.tsv", "*.txt", "*.gml", "*.fgb", "*.tab",
                                          "*.mif", "*.sqlite", "*.dxf", NULL };

  g_return_if_fail (ATLAS_IS_USER_PANEL (self));
  chooser = gtk_file_chooser_native_new (_("Open GIS File"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("GIS files"));
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, patterns[i] + 2);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_object_unref (filter);
  g_object_unref (all);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
drop_cb (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         AtlasUserPanel *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path != NULL)
        atlas_user_panel_open_file (self, path);
    }
  g_slist_free (files);
  return TRUE;
}

/* Opens the files of the last session; a file that moved is reported. */
void
atlas_user_panel_restore (AtlasUserPanel *self)
{
  g_auto(GStrv) paths = NULL;
  gboolean dropped = FALSE;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  g_return_if_fail (ATLAS_IS_USER_PANEL (self));
  if (self->settings == NULL)
    return;
  paths = g_settings_get_strv (self->settings, "user-files");
  for (guint i = 0; paths[i] != NULL; i++)
    {
      const char *file = paths[i][0] == '/' || strstr (paths[i], ":/") == NULL ? paths[i]
                                                                               : strstr (paths[i], ":/") + 1;

      if (!g_file_test (file, G_FILE_TEST_EXISTS))
        {
          g_autofree char *text = g_strdup_printf (_("“%s” was moved or deleted; it is no longer opened"),
                                                   file);
          say (self, text);
          dropped = TRUE;
          continue;
        }
      g_ptr_array_add (kept, paths[i]);
      atlas_user_panel_open_file (self, paths[i]);
    }
  if (dropped)
    {
      g_ptr_array_add (kept, NULL);
      g_settings_set_strv (self->settings, "user-files", (const char * const *) kept->pdata);
    }
}

/* ---- measure and mark ---- */

static void
update_measure (AtlasUserPanel *self)
{
  guint n = self->measure_points->len / 2;
  double *pts = (double *) self->measure_points->data;
  g_autofree char *text = NULL;

  if (n < 2)
    text = g_strdup (_("Click points on the map to measure"));
  else
    {
      g_autofree char *figures = atlas_measure_format (atlas_measure_path_m (pts, n),
                                                       n >= 3 ? atlas_measure_area_m2 (pts, n) : 0);
      text = g_strdup_printf (_("Distance %s"), figures);
    }
  gtk_label_set_text (self->tool_label, text);
  shumate_path_layer_set_closed (self->measure_layer, n >= 3);
  shumate_path_layer_set_fill (self->measure_layer, n >= 3);
}

static void
stop_measuring (AtlasUserPanel *self)
{
  if (self->measure_layer != NULL)
    shumate_map_remove_layer (shumate_simple_map_get_map (self->map), SHUMATE_LAYER (self->measure_layer));
  self->measure_layer = NULL;
  g_array_set_size (self->measure_points, 0);
}

static void
measure_toggled_cb (GtkToggleButton *button,
                    AtlasUserPanel  *self)
{
  stop_measuring (self);
  if (gtk_toggle_button_get_active (button))
    {
      GdkRGBA stroke = { 0.9, 0.1, 0.35, 1 }, fill = { 0.9, 0.1, 0.35, 0.15 };

      gtk_toggle_button_set_active (self->mark_button, FALSE);
      gtk_toggle_button_set_active (self->locate_button, FALSE);
      self->measure_layer = shumate_path_layer_new (shumate_simple_map_get_viewport (self->map));
      shumate_path_layer_set_stroke_color (self->measure_layer, &stroke);
      shumate_path_layer_set_fill_color (self->measure_layer, &fill);
      shumate_path_layer_set_stroke_width (self->measure_layer, 2.5);
      shumate_map_add_layer (shumate_simple_map_get_map (self->map), SHUMATE_LAYER (self->measure_layer));
      update_measure (self);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tool_label), gtk_toggle_button_get_active (button)
                          || gtk_toggle_button_get_active (self->mark_button));
}

static void
add_measure_point (AtlasUserPanel *self,
                   double          latitude,
                   double          longitude)
{
  double p[2] = { longitude, latitude };

  g_array_append_vals (self->measure_points, p, 2);
  shumate_path_layer_add_node (self->measure_layer,
                               SHUMATE_LOCATION (shumate_coordinate_new_full (latitude, longitude)));
  update_measure (self);
}

/* The marks file is read back as a user layer: replace the one shown. */
static void
show_marks_file (AtlasUserPanel *self)
{
  for (guint i = self->entries->len; i-- > 0;)
    {
      Entry *e = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (e->style.data->path, self->marks_path) == 0)
        {
          gtk_list_box_remove (self->list, e->row);
          g_ptr_array_remove_index (self->entries, i);
        }
    }
  atlas_user_panel_open_file (self, self->marks_path);
}

static void
add_mark (AtlasUserPanel *self,
          double          latitude,
          double          longitude)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->mark_name));
  g_autofree char *name = *typed != '\0' ? g_strdup (typed)
                                         : g_strdup_printf (_("Mark %u"), self->marks->len + 1);
  g_autoptr(GError) error = NULL;

  atlas_marks_add (self->marks, name, longitude, latitude);
  if (!atlas_marks_save (self->marks, self->marks_path, &error))
    {
      g_array_set_size (self->marks, self->marks->len - 1);
      say (self, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->mark_name), "");
  show_marks_file (self);
}

static void mark_toggled_cb (GtkToggleButton *button,
                             AtlasUserPanel  *self);

/* Marks go to @path (an existing marks file is continued). */
void
atlas_user_panel_start_marks (AtlasUserPanel *self,
                              const char     *path)
{
  g_autoptr(AtlasUserData) old = NULL;

  g_return_if_fail (ATLAS_IS_USER_PANEL (self));
  g_free (self->marks_path);
  self->marks_path = g_strdup (path);
  g_array_set_size (self->marks, 0);
  if (g_file_test (path, G_FILE_TEST_EXISTS)
      && (old = atlas_user_data_load (path, NULL, NULL, NULL, NULL, NULL)) != NULL)
    for (guint l = 0; l < old->layers->len; l++)
      {
        AtlasUserLayer *layer = g_ptr_array_index (old->layers, l);

        for (guint i = 0; i < layer->features->len; i++)
          {
            AtlasUserFeature *f = g_ptr_array_index (layer->features, i);
            double lon = atlas_geo_world_x_to_lon ((f->bbox.x0 + f->bbox.x1) / 2);
            double lat = atlas_geo_world_y_to_lat ((f->bbox.y0 + f->bbox.y1) / 2);

            if (f->shape == ATLAS_USER_POINT)
              atlas_marks_add (self->marks, f->name, lon, lat);
          }
      }
  gtk_toggle_button_set_active (self->measure_button, FALSE);
  g_signal_handlers_block_by_func (self->mark_button, mark_toggled_cb, self);
  gtk_toggle_button_set_active (self->mark_button, TRUE);
  g_signal_handlers_unblock_by_func (self->mark_button, mark_toggled_cb, self);
  gtk_widget_set_visible (GTK_WIDGET (self->mark_name), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->tool_label), TRUE);
  {
    g_autofree char *base = g_path_get_basename (path);
    g_autofree char *text = g_strdup_printf (_("Click the map to mark a place; marks are saved to %s"), base);
    gtk_label_set_text (self->tool_label, text);
  }
}

static void
marks_chooser_response_cb (GtkNativeDialog *dialog,
                           int              response,
                           AtlasUserPanel  *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))
                                                          : NULL;
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  if (path != NULL)
    atlas_user_panel_start_marks (self, path);
  else
    gtk_toggle_button_set_active (self->mark_button, FALSE);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
mark_toggled_cb (GtkToggleButton *button,
                 AtlasUserPanel  *self)
{
  gboolean on = gtk_toggle_button_get_active (button);

  gtk_widget_set_visible (GTK_WIDGET (self->mark_name), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->tool_label), on || gtk_toggle_button_get_active (self->measure_button));
  if (on)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkFileChooserNative *chooser;

      gtk_toggle_button_set_active (self->measure_button, FALSE);
      gtk_toggle_button_set_active (self->locate_button, FALSE);
      chooser = gtk_file_chooser_native_new (_("Save Marks As"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("marks.geojson"));
      g_signal_connect (chooser, "response", G_CALLBACK (marks_chooser_response_cb), self);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
    }
  else
    g_clear_pointer (&self->marks_path, g_free);
}

/* Ends marking; the marks stay in their file and on the map. */
void
atlas_user_panel_stop_marking (AtlasUserPanel *self)
{
  g_return_if_fail (ATLAS_IS_USER_PANEL (self));
  gtk_toggle_button_set_active (self->mark_button, FALSE);
}

/* For tests: what the measuring tool shows. */
const char *
atlas_user_panel_get_tool_text (AtlasUserPanel *self)
{
  g_return_val_if_fail (ATLAS_IS_USER_PANEL (self), NULL);
  return gtk_label_get_text (self->tool_label);
}

void
atlas_user_panel_set_measuring (AtlasUserPanel *self,
                                gboolean        measuring)
{
  g_return_if_fail (ATLAS_IS_USER_PANEL (self));
  gtk_toggle_button_set_active (self->measure_button, measuring);
}

static void
locate_toggled_cb (AtlasUserPanel *self)
{
  if (gtk_toggle_button_get_active (self->locate_button))
    {
      gtk_toggle_button_set_active (self->measure_button, FALSE);
      gtk_toggle_button_set_active (self->mark_button, FALSE);
    }
}

/* The point-report mode (a click tells where the point falls in the plan). */
void
atlas_user_panel_set_locating (AtlasUserPanel *self,
                               gboolean        locating)
{
  g_return_if_fail (ATLAS_IS_USER_PANEL (self));
  gtk_toggle_button_set_active (self->locate_button, locating);
}

static GtkWidget *
build_tools (AtlasUserPanel *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  /* narrow buttons (style.css): the three fit the sidebar's width */
  gtk_widget_add_css_class (buttons, "atlas-tools");

  self->measure_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_("Measure")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->measure_button),
                               _("Measure distances and areas: click points on the map"));
  self->mark_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_("Mark…")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mark_button),
                               _("Mark places on the map; the marks are saved to a GeoJSON file you choose"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->measure_button), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->mark_button), TRUE);
  self->locate_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_("Where")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->locate_button),
                               _("Click the map: the county, the plan’s zones there and its features within 10 km"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->locate_button), TRUE);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->measure_button));
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->mark_button));
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->locate_button));
  g_signal_connect_swapped (self->locate_button, "toggled", G_CALLBACK (locate_toggled_cb), self);
  self->tool_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->tool_label, TRUE);
  gtk_label_set_max_width_chars (self->tool_label, 30);
  gtk_label_set_xalign (self->tool_label, 0);
  gtk_label_set_selectable (self->tool_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->tool_label), FALSE);
  self->mark_name = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->mark_name, _("Name of the next mark"));
  gtk_widget_set_visible (GTK_WIDGET (self->mark_name), FALSE);
  g_signal_connect (self->measure_button, "toggled", G_CALLBACK (measure_toggled_cb), self);
  g_signal_connect (self->mark_button, "toggled", G_CALLBACK (mark_toggled_cb), self);
  {
    const char *crs_names[] = { _("The file’s own coordinates"), _("WGS84 (GPS)"), _("GCJ-02 (AutoNavi, Tencent)"),
                                _("BD-09 (Baidu)"), NULL };
    /* the label above the choice: the sidebar stays narrow */
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *label = gtk_label_new (_("Coordinates"));

    gtk_label_set_xalign (GTK_LABEL (label), 0);

    self->crs_drop = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (crs_names));
    gtk_widget_set_hexpand (GTK_WIDGET (self->crs_drop), TRUE);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->crs_drop),
                                 _("How to read the coordinates of the files opened next: a file without a "
                                   "coordinate system, or one in China’s offset GCJ-02 or BD-09 coordinates"));
    gtk_widget_add_css_class (label, "dim-label");
    gtk_box_append (GTK_BOX (row), label);
    gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->crs_drop));
    gtk_box_append (GTK_BOX (box), row);
  }
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->tool_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->mark_name));
  return box;
}

/* ---- a clicked feature ---- */

static void
show_details (AtlasUserPanel         *self,
              const AtlasUserLayer   *layer,
              const AtlasUserFeature *f)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) atlas_locate_entry_free);
  g_autofree char *report = NULL;
  g_autofree char *title = g_strdup_printf ("%s · %s", f->name, layer->name);

  for (guint i = 0; layer->fields[i] != NULL; i++)
    if (*f->values[i] != '\0')
      g_string_append_printf (text, "%s: %s\n", layer->fields[i], f->values[i]);
  if (self->data != NULL && self->data->overlays != NULL)
    {
      if (self->locator == NULL)
        self->locator = atlas_locator_new (self->data, ATLAS_LOCATE_DISTANCE_KM);
      g_ptr_array_add (entries, atlas_locator_locate (self->locator, f->name, layer->name, f->shape, f->geos));
      report = atlas_locate_report_text (entries, ATLAS_LOCATE_DISTANCE_KM);
      g_string_append_printf (text, "\n%s", report);
    }
  gtk_label_set_text (self->details_title, title);
  gtk_label_set_text (self->details, g_strchomp (text->str));
  gtk_revealer_set_reveal_child (self->details_revealer, TRUE);
}

/* "Where is it": the report for a clicked point of the map. */
static void
show_point_report (AtlasUserPanel *self,
                   double          latitude,
                   double          longitude)
{
  GEOSContextHandle_t ctx = GEOS_init_r ();
  GEOSGeometry *point = GEOSGeom_createPointFromXY_r (ctx, longitude, latitude);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) atlas_locate_entry_free);
  g_autofree char *title = g_strdup_printf (_("The point %.5f, %.5f"), latitude, longitude);
  g_autofree char *report = NULL;

  if (self->locator == NULL)
    self->locator = atlas_locator_new (self->data, ATLAS_LOCATE_DISTANCE_KM);
  g_ptr_array_add (entries, atlas_locator_locate (self->locator, title, NULL, ATLAS_USER_POINT, point));
  report = atlas_locate_report_text (entries, ATLAS_LOCATE_DISTANCE_KM);
  gtk_label_set_text (self->details_title, title);
  gtk_label_set_text (self->details, g_strchomp (strchr (report, '\n') != NULL ? strchr (report, '\n') + 1 : report));
  gtk_revealer_set_reveal_child (self->details_revealer, TRUE);
  GEOSGeom_destroy_r (ctx, point);
  GEOS_finish_r (ctx);
}

gboolean
atlas_user_panel_select_at (AtlasUserPanel *self,
                            double          latitude,
                            double          longitude)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double zoom = shumate_viewport_get_zoom_level (viewport);
  double tol = HIT_TOLERANCE_PX / (ATLAS_TILE_SIZE * pow (2, zoom));
  double wx = atlas_geo_lon_to_world_x (longitude), wy = atlas_geo_lat_to_world_y (latitude);

  g_return_val_if_fail (ATLAS_IS_USER_PANEL (self), FALSE);
  if (self->measure_layer != NULL)
    {
      add_measure_point (self, latitude, longitude);
      return TRUE;
    }
  if (self->marks_path != NULL && gtk_toggle_button_get_active (self->mark_button))
    {
      add_mark (self, latitude, longitude);
      return TRUE;
    }
  if (gtk_toggle_button_get_active (self->locate_button) && self->data != NULL && self->data->overlays != NULL)
    {
      show_point_report (self, latitude, longitude);
      return TRUE;
    }
  for (guint i = self->entries->len; i-- > 0;)
    {
      Entry *e = g_ptr_array_index (self->entries, i);
      const AtlasUserLayer *layer = g_ptr_array_index (e->style.data->layers, e->style.layer);
      const AtlasUserFeature *f;

      if (!e->style.visible)
        continue;
      f = atlas_user_layer_hit (layer, e->style.data->geos_context, wx, wy, tol);
      if (f != NULL)
        {
          show_details (self, layer, f);
          return TRUE;
        }
    }
  gtk_revealer_set_reveal_child (self->details_revealer, FALSE);
  return FALSE;
}

/* ---- actions ---- */

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  atlas_user_panel_choose_file (ATLAS_USER_PANEL (widget));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  atlas_user_panel_open_file (ATLAS_USER_PANEL (widget), g_variant_get_string (parameter, NULL));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AtlasUserPanel *self = ATLAS_USER_PANEL (widget);

  for (guint i = 0; i < self->loads->len; i++)
    g_cancellable_cancel (((Load *) self->loads->pdata[i])->cancellable);
}

static void
close_details_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (ATLAS_USER_PANEL (widget)->details_revealer, FALSE);
}

/* ---- GObject ---- */

static void
atlas_user_panel_dispose (GObject *object)
{
  AtlasUserPanel *self = ATLAS_USER_PANEL (object);

  if (self->loads != NULL)
    for (guint i = 0; i < self->loads->len; i++)
      g_cancellable_cancel (((Load *) self->loads->pdata[i])->cancellable);
  g_clear_handle_id (&self->stall_probe_id, g_source_remove);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->map != NULL)
    stop_measuring (self);
  if (self->layer != NULL && self->map != NULL)
    shumate_map_remove_layer (shumate_simple_map_get_map (self->map), SHUMATE_LAYER (self->layer));
  self->layer = NULL;
  g_clear_object (&self->source);
  g_clear_pointer (&self->renderer, atlas_user_renderer_unref);
  g_clear_object (&self->map);
  g_clear_object (&self->above);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (atlas_user_panel_parent_class)->dispose (object);
}

static void
atlas_user_panel_finalize (GObject *object)
{
  AtlasUserPanel *self = ATLAS_USER_PANEL (object);

  g_ptr_array_unref (self->entries);
  g_ptr_array_unref (self->loads);   /* a running load holds only a weak reference */
  g_clear_pointer (&self->locator, atlas_locator_free);
  g_array_unref (self->measure_points);
  g_array_unref (self->marks);
  g_free (self->marks_path);
  g_clear_pointer (&self->data, atlas_data_unref);
  G_OBJECT_CLASS (atlas_user_panel_parent_class)->finalize (object);
}

static void
atlas_user_panel_class_init (AtlasUserPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atlas_user_panel_dispose;
  object_class->finalize = atlas_user_panel_finalize;

  /**
   * AtlasUserPanel::message:
   *
   * Something the user should read: a file that could not be opened, a
   * remembered file that moved.
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "user.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "user.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "user.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "user.close-details", NULL, close_details_action);
}

static GtkWidget *
build_header (AtlasUserPanel *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (_("My data"));
  GtkWidget *open = gtk_button_new_from_icon_name ("document-open-symbolic");

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "user.open");
  gtk_widget_set_tooltip_text (open, _("Open a GIS file (Ctrl+O)"));
  gtk_widget_add_css_class (open, "flat");
  self->recent_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->recent_button, "document-open-recent-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->recent_button), _("Recent files"));
  gtk_widget_add_css_class (GTK_WIDGET (self->recent_button), "flat");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), open);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->recent_button));
  return box;
}

static GtkWidget *
build_details (AtlasUserPanel *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->details_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->details_title), "heading");
  gtk_label_set_xalign (self->details_title, 0);
  gtk_label_set_wrap (self->details_title, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->details_title), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (close), "user.close-details");
  gtk_widget_add_css_class (close, "flat");
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->details_title));
  gtk_box_append (GTK_BOX (top), close);
  self->details = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->details, 0);
  gtk_label_set_yalign (self->details, 0);
  gtk_label_set_wrap (self->details, TRUE);
  gtk_label_set_wrap_mode (self->details, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->details, TRUE);
  gtk_label_set_max_width_chars (self->details, 30);
  gtk_label_set_max_width_chars (self->details_title, 30);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->details));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), scroller);
  self->details_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->details_revealer, box);
  return GTK_WIDGET (self->details_revealer);
}

static void
atlas_user_panel_init (AtlasUserPanel *self)
{
  GtkWidget *cancel = gtk_button_new_from_icon_name ("process-stop-symbolic");

  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->loads = g_ptr_array_new ();
  self->measure_points = g_array_new (FALSE, FALSE, sizeof (double));
  self->marks = atlas_marks_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 4);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);
  gtk_box_append (GTK_BOX (self), build_header (self));
  gtk_box_append (GTK_BOX (self), build_tools (self));

  self->empty_label = GTK_LABEL (gtk_label_new (_("Open or drop a GeoJSON, KML, GPX, Shapefile, GeoPackage "
                                                  "or CSV file to see where it falls in the plan.")));
  gtk_label_set_wrap (self->empty_label, TRUE);
  gtk_label_set_max_width_chars (self->empty_label, 30);
  gtk_label_set_xalign (self->empty_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_label), "caption");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->empty_label));

  self->progress_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->progress), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_CENTER);
  gtk_progress_bar_set_show_text (self->progress, TRUE);
  gtk_progress_bar_set_ellipsize (self->progress, PANGO_ELLIPSIZE_MIDDLE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "user.cancel");
  gtk_widget_set_tooltip_text (cancel, _("Stop loading"));
  gtk_widget_add_css_class (cancel, "flat");
  gtk_box_append (self->progress_box, GTK_WIDGET (self->progress));
  gtk_box_append (self->progress_box, cancel);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), FALSE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->progress_box));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (self), build_details (self));
}

/**
 * atlas_user_panel_new:
 * @above: the map layer the user layers are drawn below (the highlight)
 * @data: the plan's data, for "where does it fall"
 * @settings: (nullable): where the opened files are remembered
 */
AtlasUserPanel *
atlas_user_panel_new (ShumateSimpleMap *map,
                      ShumateLayer     *above,
                      AtlasData        *data,
                      GSettings        *settings)
{
  AtlasUserPanel *self = g_object_new (ATLAS_TYPE_USER_PANEL, NULL);
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  self->map = g_object_ref (map);
  self->above = g_object_ref (above);
  self->data = atlas_data_ref (data);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (map), GTK_EVENT_CONTROLLER (target));
  rebuild_recent_menu (self);
  return self;
}

guint
atlas_user_panel_get_n_layers (AtlasUserPanel *self)
{
  g_return_val_if_fail (ATLAS_IS_USER_PANEL (self), 0);
  return self->entries->len;
}

gboolean
atlas_user_panel_is_loading (AtlasUserPanel *self)
{
  g_return_val_if_fail (ATLAS_IS_USER_PANEL (self), FALSE);
  return self->loads->len > 0;
}

/* The fraction the progress bar shows while files load, or -1 when none is loading. */
double
atlas_user_panel_get_progress (AtlasUserPanel *self)
{
  g_return_val_if_fail (ATLAS_IS_USER_PANEL (self), -1);
  return self->loads->len > 0 && gtk_widget_get_visible (GTK_WIDGET (self->progress_box))
         ? gtk_progress_bar_get_fraction (self->progress) : -1;
}

/* For tests: the attributes and report shown for the clicked feature. */
const char *
atlas_user_panel_get_details (AtlasUserPanel *self)
{
  g_return_val_if_fail (ATLAS_IS_USER_PANEL (self), NULL);
  return gtk_revealer_get_reveal_child (self->details_revealer) ? gtk_label_get_text (self->details) : NULL;
}

/* The renderer of the visible user layers (an AtlasUserRenderer), for exports. */
gpointer
atlas_user_panel_get_renderer (AtlasUserPanel *self)
{
  g_return_val_if_fail (ATLAS_IS_USER_PANEL (self), NULL);
  return self->renderer;
}

/* The coordinates of files opened next (0 the file's own, 1 WGS84, 2 GCJ-02, 3 BD-09). */
void
atlas_user_panel_set_crs (AtlasUserPanel *self,
                          AtlasCrsKind    kind)
{
  g_return_if_fail (ATLAS_IS_USER_PANEL (self));
  for (guint i = 0; i < G_N_ELEMENTS (crs_choices); i++)
    if (crs_choices[i] == kind)
      gtk_drop_down_set_selected (self->crs_drop, i);
}
