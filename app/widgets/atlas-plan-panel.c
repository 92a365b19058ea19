/* atlas-plan-panel.c — the plan beside the map
 *
 * Three pages with back/forward history: the table of contents (nothing
 * selected), a section of the plan in full, and the selected county,
 * place or feature: its memberships as chips, its figures, the paragraphs
 * that define its role, then every other passage that mentions it, each
 * with a link to its section. Text is selectable; the plan is always shown
 * with its title as the source. The header and the scroller are in
 * ui/atlas-plan-panel.ui; the pages are built here.
 */

#include "config.h"

#include "atlas-plan-panel.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

typedef enum
{
  PAGE_CONTENTS,
  PAGE_SECTION,
  PAGE_ENTITY,
} PageKind;

typedef struct
{
  PageKind     kind;
  char        *section;
  AtlasEntity *entity;
} Page;

struct _AtlasPlanPanel
{
  GtkWidget       parent_instance;

  AtlasPlan      *plan;
  AtlasPlanIndex *index;
  AtlasSelection *selection;

  GtkWidget      *box;
  GtkWidget      *back_button;
  GtkWidget      *forward_button;
  GtkWidget      *title;
  GtkWidget      *scroller;
  GtkWidget      *page;       /* the current page's content */

  GPtrArray      *here;       /* AtlasEntity under the last click, smallest first */
  GArray         *history;    /* Page */
  guint           position;   /* current page in the history */
  gboolean        navigating;
};

G_DEFINE_FINAL_TYPE (AtlasPlanPanel, atlas_plan_panel, GTK_TYPE_WIDGET)

static void show_page (AtlasPlanPanel *self);

/* Building blocks */

static GtkWidget *
heading (const char *text,
         const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

/* A paragraph, with the matched name highlighted. */
static GtkWidget *
paragraph_label (const char *text,
                 guint       offset,
                 guint       length)
{
  GtkWidget *label = gtk_label_new (NULL);

  if (length > 0 && offset + length <= strlen (text))
    {
      g_autofree char *before = g_markup_escape_text (text, offset);
      g_autofree char *match = g_markup_escape_text (text + offset, length);
      g_autofree char *after = g_markup_escape_text (text + offset + length, -1);
      g_autofree char *markup = g_strdup_printf ("%s<b><span foreground=\"#1a5fb4\">%s</span></b>%s",
                                                 before, match, after);

      gtk_label_set_markup (GTK_LABEL (label), markup);
    }
  else
    gtk_label_set_text (GTK_LABEL (label), text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_widget_add_css_class (label, "atlas-paragraph");
  return label;
}

static char *
section_caption (const AtlasSection *s)
{
  return g_strdup_printf ("§ %s %s", s->id, s->title_zh);
}

static GtkWidget *
section_link (const AtlasSection *s)
{
  g_autofree char *caption = section_caption (s);
  GtkWidget *button = gtk_button_new_with_label (caption);
  GtkWidget *label = gtk_button_get_child (GTK_BUTTON (button));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "atlas-section-link");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "plan.open-section");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", s->id);
  gtk_widget_set_tooltip_text (button, _("Read this section"));
  return button;
}

/* Probable misprints, kept as printed, with an unobtrusive note. */
static void
append_notes (AtlasPlanPanel       *self,
              GtkWidget            *box,
              const AtlasParagraph *paragraph)
{
  g_autoptr(GPtrArray) notes = atlas_plan_index_notes (self->index, paragraph);

  for (guint i = 0; i < notes->len; i++)
    {
      AtlasPlanNote *n = g_ptr_array_index (notes, i);
      GtkWidget *label = heading (n->note_zh, "caption");

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "atlas-misprint-note");
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_tooltip_text (label, n->note_en);
      gtk_box_append (GTK_BOX (box), label);
    }
}

static GtkWidget *
source_line (AtlasPlan *plan)
{
  g_autofree char *text = g_strdup_printf (_("Source: %s"), atlas_plan_get_title (plan));
  GtkWidget *label = heading (text, "caption");

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  return label;
}

static GtkWidget *
page_box (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  gtk_widget_set_margin_start (box, 14);
  gtk_widget_set_margin_end (box, 14);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 14);
  return box;
}

/* The contents page */

static void
toc_row_activated_cb (GtkListBox     *list,
                      GtkListBoxRow  *row,
                      AtlasPlanPanel *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "section");
  guint figure = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "figure"));

  if (figure != 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.figure", "u", figure);
  else if (id != NULL)
    atlas_plan_panel_open_section (self, id);
}

/* The plan's figures ("图02 …"), each opening the figure on the map. */
static void
append_figure_rows (GtkListBox         *list,
                    const AtlasSection *figures)
{
  for (guint p = 0; p < figures->n_paragraphs; p++)
    {
      const char *text = figures->paragraphs[p].text;
      const char *digits = g_str_has_prefix (text, "图") ? text + strlen ("图") : NULL;
      g_autofree char *number_text = digits != NULL ? g_strndup (digits, strspn (digits, "0123456789")) : NULL;
      guint number;
      GtkWidget *row, *label;

      if (!atlas_figure_parse_number (number_text, &number))
        continue;
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 24);
      gtk_widget_set_margin_end (label, 8);
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_widget_set_tooltip_text (row, _("Show this figure on the map"));
      g_object_set_data (G_OBJECT (row), "figure", GUINT_TO_POINTER (number));
      gtk_list_box_append (list, row);
    }
}

static GtkWidget *
build_contents (AtlasPlanPanel *self)
{
  GtkWidget *box = page_box ();
  GtkWidget *list = gtk_list_box_new ();
  guint n;
  const AtlasSection *sections = atlas_plan_get_sections (self->plan, &n);

  gtk_box_append (GTK_BOX (box), heading (atlas_plan_get_title (self->plan), "title-4"));
  gtk_box_append (GTK_BOX (box), heading (_("Contents: choose a section to read it and to see "
                                            "what it defines on the map."), "dim-label"));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  g_signal_connect (list, "row-activated", G_CALLBACK (toc_row_activated_cb), self);

  for (guint i = 0; i < n; i++)
    {
      const AtlasSection *s = &sections[i];
      gboolean top = s->parent == NULL;
      g_autofree char *text = NULL;
      GtkWidget *row, *label;

      if (g_str_equal (s->kind, "item"))
        continue;
      text = top ? g_strdup_printf ("%s %s", s->number_zh != NULL ? s->number_zh : "", s->title_zh)
                 : g_strdup_printf ("%s %s", s->id, s->title_zh);
      label = gtk_label_new (g_strstrip (text));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, top ? 8 : 24);
      gtk_widget_set_margin_end (label, 8);
      if (top)
        gtk_widget_add_css_class (label, "heading");
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "section", g_strdup (s->id), g_free);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      if (g_str_equal (s->kind, "figures"))
        append_figure_rows (GTK_LIST_BOX (list), s);
    }

  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), source_line (self->plan));
  return box;
}

/* The section page */

static GtkWidget *
build_section (AtlasPlanPanel *self,
               const char     *id)
{
  GtkWidget *box = page_box ();
  const AtlasSection *section = atlas_plan_lookup (self->plan, id);
  guint n;
  const AtlasSection *sections = atlas_plan_get_sections (self->plan, &n);
  g_autoptr(GPtrArray) features = atlas_plan_index_features_citing (self->index, id);
  g_autofree char *title = NULL;
  GtkWidget *map_button;

  if (section == NULL)
    {
      gtk_box_append (GTK_BOX (box), heading (_("This section does not exist."), "dim-label"));
      return box;
    }

  title = g_strdup_printf ("%s %s", section->id, section->title_zh);
  gtk_box_append (GTK_BOX (box), heading (title, "title-3"));
  if (section->title_en != NULL)
    gtk_box_append (GTK_BOX (box), heading (section->title_en, "dim-label"));

  if (features->len > 0)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("Show its %u feature on the map",
                                                          "Show its %u features on the map",
                                                          features->len), features->len);

      map_button = gtk_button_new_with_label (label);
      gtk_widget_add_css_class (map_button, "pill");
      gtk_widget_add_css_class (map_button, "suggested-action");
      gtk_widget_set_halign (map_button, GTK_ALIGN_START);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (map_button), "plan.show-section");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (map_button), "s", section->id);
      gtk_box_append (GTK_BOX (box), map_button);
    }

  /* the section and everything under it, in order */
  for (guint i = 0; i < n; i++)
    {
      const AtlasSection *s = &sections[i];

      if (!atlas_section_within (s->id, id))
        continue;
      if (s != section)
        {
          g_autofree char *sub = g_strdup_printf ("%s %s", s->id, s->title_zh);
          GtkWidget *h = heading (sub, "heading");

          gtk_widget_set_margin_top (h, 8);
          gtk_box_append (GTK_BOX (box), h);
        }
      for (guint p = 0; p < s->n_paragraphs; p++)
        {
          gtk_box_append (GTK_BOX (box), paragraph_label (s->paragraphs[p].text, 0, 0));
          append_notes (self, box, &s->paragraphs[p]);
        }
    }

  gtk_box_append (GTK_BOX (box), source_line (self->plan));
  return box;
}

/* The entity page */

static void
chip_clicked_cb (GtkButton      *button,
                 AtlasPlanPanel *self)
{
  atlas_selection_set_entity (self->selection, g_object_get_data (G_OBJECT (button), "entity"));
}

static GtkWidget *
chips (AtlasPlanPanel *self,
       GPtrArray      *entities)
{
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 8);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 4);
  for (guint i = 0; i < entities->len; i++)
    {
      AtlasEntity *e = g_ptr_array_index (entities, i);
      g_autofree char *name = g_strdup (e->name_zh);
      char *paren = strstr (name, "（");
      GtkWidget *button;

      if (paren != NULL && paren != name)
        *paren = '\0';
      button = gtk_button_new_with_label (name);
      gtk_widget_add_css_class (button, "atlas-chip");
      gtk_widget_set_tooltip_text (button, e->context);
      g_object_set_data (G_OBJECT (button), "entity", e);
      g_signal_connect (button, "clicked", G_CALLBACK (chip_clicked_cb), self);
      gtk_flow_box_append (GTK_FLOW_BOX (flow), button);
    }
  return flow;
}

/* Chips of memberships or of what lies inside, with the share when it is
 * not the whole. */
static GtkWidget *
share_chips (AtlasPlanPanel *self,
             GArray         *list)
{
  g_autoptr(GPtrArray) entities = g_ptr_array_new ();
  GtkWidget *flow;
  GtkWidget *child;
  guint i = 0;

  for (guint k = 0; k < list->len; k++)
    g_ptr_array_add (entities, g_array_index (list, AtlasMembership, k).entity);
  flow = chips (self, entities);
  for (child = gtk_widget_get_first_child (flow); child != NULL; child = gtk_widget_get_next_sibling (child), i++)
    {
      AtlasMembership *m = &g_array_index (list, AtlasMembership, i);
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      g_autofree char *label = NULL;

      if (m->share < 0.995)
        label = g_strdup_printf (_("%s · %.0f %%"), gtk_button_get_label (GTK_BUTTON (button)), m->share * 100);
      else if (m->partial)
        label = g_strdup_printf (_("%s (in part)"), gtk_button_get_label (GTK_BUTTON (button)));
      if (label != NULL)
        gtk_button_set_label (GTK_BUTTON (button), label);
    }
  return flow;
}

static void
append_passage (AtlasPlanPanel     *self,
                GtkWidget          *box,
                const AtlasMention *m)
{
  gtk_box_append (GTK_BOX (box), section_link (m->section));
  if (m->about != NULL)
    {
      g_autofree char *about = g_strdup_printf (_("About %s"), m->about->name_zh);
      GtkWidget *label = heading (about, "caption");

      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }
  gtk_box_append (GTK_BOX (box), paragraph_label (m->paragraph->text, m->offset, m->length));
  append_notes (self, box, m->paragraph);
}

static void
add_mentions (AtlasPlanPanel *self,
              GtkWidget      *box,
              AtlasEntity    *entity,
              gboolean        role)
{
  for (guint i = 0; i < entity->mentions->len; i++)
    {
      AtlasMention *m = g_ptr_array_index (entity->mentions, i);

      if (m->role != role)
        continue;
      append_passage (self, box, m);
    }
}

static GPtrArray *
county_entities (AtlasPlanPanel *self,
                 GArray         *codes)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      AtlasEntity *e = atlas_plan_index_get_county (self->index, g_array_index (codes, guint32, i));

      if (e != NULL)
        g_ptr_array_add (out, e);
    }
  return out;
}

/* A county's "Inside 县名": the features and places in it, and their
 * passages that do not name the county itself. */
static void
append_inside (AtlasPlanPanel *self,
               GtkWidget      *box,
               AtlasEntity    *entity,
               GArray         *inside)
{
  g_autoptr(GPtrArray) passages = NULL;
  g_autofree char *title = NULL;
  GtkWidget *h;

  if (inside->len == 0)
    return;
  passages = atlas_plan_index_inside_mentions (self->index, entity, inside);
  title = g_strdup_printf (_("Inside %s"), entity->name_zh);
  h = heading (title, "title-4");
  gtk_widget_set_margin_top (h, 8);
  gtk_box_append (GTK_BOX (box), h);
  gtk_box_append (GTK_BOX (box), share_chips (self, inside));
  for (guint i = 0; i < passages->len; i++)
    append_passage (self, box, g_ptr_array_index (passages, i));
}

static guint
count_mentions (AtlasEntity *entity,
                gboolean     role)
{
  guint n = 0;

  for (guint i = 0; i < entity->mentions->len; i++)
    n += ((AtlasMention *) entity->mentions->pdata[i])->role == role;
  return n;
}

/* "What is here": everything under the last click, the shown one marked;
 * a row selects its entity. */
static void
here_row_activated_cb (GtkListBox     *list,
                       GtkListBoxRow  *row,
                       AtlasPlanPanel *self)
{
  AtlasEntity *entity = g_object_get_data (G_OBJECT (row), "entity");

  atlas_selection_set_entity (self->selection, entity);
}

static GtkWidget *
build_here (AtlasPlanPanel *self,
            AtlasEntity    *shown)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *list = gtk_list_box_new ();
  g_autofree char *title = g_strdup_printf (ngettext ("Here: %u item", "Here: %u items", self->here->len),
                                            self->here->len);
  GtkWidget *hint = heading (_("Smallest first; click the map again for the next."), "caption");

  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (box), heading (title, "heading"));
  gtk_box_append (GTK_BOX (box), hint);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_add_css_class (list, "atlas-here-list");
  g_signal_connect (list, "row-activated", G_CALLBACK (here_row_activated_cb), self);
  for (guint i = 0; i < self->here->len; i++)
    {
      AtlasEntity *e = g_ptr_array_index (self->here, i);
      GtkWidget *row = adw_action_row_new ();
      /* a feature's context names its group and layer already */
      g_autofree char *subtitle = e->kind == ATLAS_ENTITY_FEATURE
                                  ? g_strdup (e->context)
                                  : g_strdup_printf ("%s · %s", e->kind == ATLAS_ENTITY_COUNTY ? _("County")
                                                                                               : _("Place"),
                                                     e->context);
      g_autofree char *name = g_markup_escape_text (e->name_zh, -1);
      g_autofree char *sub = g_markup_escape_text (subtitle, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "entity", e);
      if (e == shown)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("object-select-symbolic"));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      if (e == shown)
        gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (row));
    }
  gtk_box_append (GTK_BOX (box), list);
  gtk_widget_set_margin_bottom (box, 8);
  return box;
}

static GtkWidget *
build_entity (AtlasPlanPanel *self,
              AtlasEntity    *entity)
{
  GtkWidget *box = page_box ();
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) inside = NULL;
  double stated, area = atlas_entity_area_km2 (entity, &stated);
  const char *kind = entity->kind == ATLAS_ENTITY_COUNTY ? _("County-level unit")
                     : entity->kind == ATLAS_ENTITY_PLACE ? _("Place named in the plan")
                     : entity->kind == ATLAS_ENTITY_AREA ? _("Prefecture, province or collective name")
                     : _("Feature of the plan’s layers");
  g_autofree char *context = g_strdup_printf ("%s · %s", kind, entity->context);
  guint n_role = count_mentions (entity, TRUE), n_other = count_mentions (entity, FALSE);

  atlas_plan_index_relations (self->index, entity, &members, &inside);
  if (self->here != NULL && self->here->len > 1 && g_ptr_array_find (self->here, entity, NULL))
    gtk_box_append (GTK_BOX (box), build_here (self, entity));
  gtk_box_append (GTK_BOX (box), heading (entity->name_zh, "title-2"));
  gtk_box_append (GTK_BOX (box), heading (entity->name_en, "heading"));
  gtk_box_append (GTK_BOX (box), heading (context, "dim-label"));

  if (!isnan (area))
    {
      g_autofree char *number = atlas_format_integer (area);
      g_autofree char *text = NULL;

      if (!isnan (stated))
        {
          g_autofree char *stated_text = atlas_format_integer (stated);
          text = g_strdup_printf (_("Area: %s km² computed; the plan states %s km²"), number, stated_text);
        }
      else
        text = g_strdup_printf (_("Area: %s km²"), number);
      gtk_box_append (GTK_BOX (box), heading (text, "body"));
    }

  if (entity->kind == ATLAS_ENTITY_AREA)
    {
      g_autoptr(GPtrArray) whole = county_entities (self, entity->counties);
      g_autoptr(GPtrArray) part = county_entities (self, entity->partial);

      if (whole->len > 0)
        {
          gtk_box_append (GTK_BOX (box), heading (_("Its counties"), "heading"));
          gtk_box_append (GTK_BOX (box), chips (self, whole));
        }
      if (part->len > 0)
        {
          gtk_box_append (GTK_BOX (box), heading (_("Counties in part"), "heading"));
          gtk_box_append (GTK_BOX (box), chips (self, part));
        }
      if (entity->places->len > 0)
        {
          gtk_box_append (GTK_BOX (box), heading (_("Places"), "heading"));
          gtk_box_append (GTK_BOX (box), chips (self, entity->places));
        }
    }

  if (members->len > 0)
    {
      gtk_box_append (GTK_BOX (box), heading (_("Belongs to or is crossed by"), "heading"));
      gtk_box_append (GTK_BOX (box), share_chips (self, members));
    }

  if (n_role > 0)
    {
      GtkWidget *h = heading (_("Its role in the plan"), "title-4");

      gtk_widget_set_margin_top (h, 8);
      gtk_box_append (GTK_BOX (box), h);
      add_mentions (self, box, entity, TRUE);
    }

  {
    g_autofree char *title = g_strdup_printf (ngettext ("Mentioned in %u passage",
                                                        "Mentioned in %u passages", n_other),
                                              n_other);
    GtkWidget *h = heading (title, "title-4");

    gtk_widget_set_margin_top (h, 8);
    gtk_box_append (GTK_BOX (box), h);
    if (n_other == 0 && n_role == 0 && inside->len == 0)
      gtk_box_append (GTK_BOX (box), heading (_("The plan does not name this place."), "dim-label"));
    else if (n_other == 0 && n_role == 0)
      gtk_box_append (GTK_BOX (box), heading (_("The plan does not name it; see below for what lies inside it."), "dim-label"));
    add_mentions (self, box, entity, FALSE);
  }

  append_inside (self, box, entity, inside);

  gtk_box_append (GTK_BOX (box), source_line (self->plan));
  return box;
}

/* History */

static void
page_clear (gpointer data)
{
  g_free (((Page *) data)->section);
}

static void
push (AtlasPlanPanel *self,
      PageKind        kind,
      const char     *section,
      AtlasEntity    *entity)
{
  Page page = { kind, g_strdup (section), entity };

  if (self->history->len > 0)
    {
      Page *current = &g_array_index (self->history, Page, self->position);

      if (current->kind == kind && current->entity == entity
          && g_strcmp0 (current->section, section) == 0)
        {
          page_clear (&page);
          show_page (self);
          return;
        }
      g_array_set_size (self->history, self->position + 1);
    }
  g_array_append_val (self->history, page);
  self->position = self->history->len - 1;
  show_page (self);
}

static void
show_page (AtlasPlanPanel *self)
{
  Page *page = &g_array_index (self->history, Page, self->position);
  GtkWidget *content;

  switch (page->kind)
    {
    case PAGE_SECTION:
      content = build_section (self, page->section);
      gtk_label_set_text (GTK_LABEL (self->title), _("The Plan"));
      break;
    case PAGE_ENTITY:
      content = build_entity (self, page->entity);
      gtk_label_set_text (GTK_LABEL (self->title), _("Selection"));
      break;
    case PAGE_CONTENTS:
    default:
      content = build_contents (self);
      gtk_label_set_text (GTK_LABEL (self->title), _("Contents"));
      break;
    }

  self->page = content;
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), content);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.back", self->position > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.forward",
                                 self->position + 1 < self->history->len);

  /* going back to an entity selects it again */
  if (page->kind == PAGE_ENTITY)
    {
      self->navigating = TRUE;
      atlas_selection_set_entity (self->selection, page->entity);
      self->navigating = FALSE;
    }
}

static void
selection_changed_cb (AtlasPlanPanel *self)
{
  AtlasEntity *entity = atlas_selection_get_entity (self->selection);
  Page *current;

  if (self->navigating)
    return;
  if (entity != NULL)
    {
      push (self, PAGE_ENTITY, NULL, entity);
      return;
    }
  /* cleared: leave an entity page for the contents, keep a section open */
  current = &g_array_index (self->history, Page, self->position);
  if (current->kind == PAGE_ENTITY && atlas_selection_get_section (self->selection) == NULL)
    push (self, PAGE_CONTENTS, NULL, NULL);
}

/* Actions */

static void
open_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  atlas_plan_panel_open_section (ATLAS_PLAN_PANEL (widget), g_variant_get_string (parameter, NULL));
}

static void
show_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlasPlanPanel *self = ATLAS_PLAN_PANEL (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(GPtrArray) features = atlas_plan_index_features_citing (self->index, id);

  self->navigating = TRUE;
  atlas_selection_set_section (self->selection, id, features);
  self->navigating = FALSE;
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AtlasPlanPanel *self = ATLAS_PLAN_PANEL (widget);

  if (self->position > 0)
    {
      self->position--;
      show_page (self);
    }
}

static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AtlasPlanPanel *self = ATLAS_PLAN_PANEL (widget);

  if (self->position + 1 < self->history->len)
    {
      self->position++;
      show_page (self);
    }
}

static void
contents_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  atlas_plan_panel_show_contents (ATLAS_PLAN_PANEL (widget));
}

/* GObject */

static void
atlas_plan_panel_dispose (GObject *object)
{
  AtlasPlanPanel *self = ATLAS_PLAN_PANEL (object);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATLAS_TYPE_PLAN_PANEL);
  g_clear_object (&self->selection);
  g_clear_object (&self->plan);

  G_OBJECT_CLASS (atlas_plan_panel_parent_class)->dispose (object);
}

static void
atlas_plan_panel_finalize (GObject *object)
{
  AtlasPlanPanel *self = ATLAS_PLAN_PANEL (object);

  g_array_unref (self->history);
  g_clear_pointer (&self->here, g_ptr_array_unref);
  g_clear_pointer (&self->index, atlas_plan_index_unref);

  G_OBJECT_CLASS (atlas_plan_panel_parent_class)->finalize (object);
}

static void
atlas_plan_panel_class_init (AtlasPlanPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atlas_plan_panel_dispose;
  object_class->finalize = atlas_plan_panel_finalize;

  gtk_widget_class_install_action (widget_class, "plan.open-section", "s", open_section_action);
  gtk_widget_class_install_action (widget_class, "plan.show-section", "s", show_section_action);
  gtk_widget_class_install_action (widget_class, "plan.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "plan.forward", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "plan.contents", NULL, contents_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "plan.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "plan.forward", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "atlasplanpanel");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/capitalatlas/CapitalAtlas/ui/atlas-plan-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlasPlanPanel, box);
  gtk_widget_class_bind_template_child (widget_class, AtlasPlanPanel, back_button);
  gtk_widget_class_bind_template_child (widget_class, AtlasPlanPanel, forward_button);
  gtk_widget_class_bind_template_child (widget_class, AtlasPlanPanel, title);
  gtk_widget_class_bind_template_child (widget_class, AtlasPlanPanel, scroller);
}

static void
atlas_plan_panel_init (AtlasPlanPanel *self)
{
  self->history = g_array_new (FALSE, TRUE, sizeof (Page));
  g_array_set_clear_func (self->history, page_clear);
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * atlas_plan_panel_new:
 * @index: the panel keeps a reference
 */
AtlasPlanPanel *
atlas_plan_panel_new (AtlasPlan      *plan,
                      AtlasPlanIndex *index,
                      AtlasSelection *selection)
{
  AtlasPlanPanel *self = g_object_new (ATLAS_TYPE_PLAN_PANEL, NULL);

  self->plan = g_object_ref (plan);
  self->index = atlas_plan_index_ref (index);
  self->selection = g_object_ref (selection);
  g_signal_connect_swapped (selection, "notify::entity", G_CALLBACK (selection_changed_cb), self);
  push (self, PAGE_CONTENTS, NULL, NULL);
  if (atlas_selection_get_entity (selection) != NULL)
    selection_changed_cb (self);
  return self;
}

void
atlas_plan_panel_open_section (AtlasPlanPanel *self,
                               const char     *section_id)
{
  g_return_if_fail (ATLAS_IS_PLAN_PANEL (self));
  push (self, PAGE_SECTION, section_id, NULL);
}

void
atlas_plan_panel_show_contents (AtlasPlanPanel *self)
{
  g_return_if_fail (ATLAS_IS_PLAN_PANEL (self));
  push (self, PAGE_CONTENTS, NULL, NULL);
}

static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

/**
 * atlas_plan_panel_get_text:
 *
 * Returns: (transfer full): all text the current page shows, for tests
 */
char *
atlas_plan_panel_get_text (AtlasPlanPanel *self)
{
  GString *out = g_string_new (NULL);

  collect_text (self->page, out);
  return g_string_free (out, FALSE);
}

const char *
atlas_plan_panel_get_page (AtlasPlanPanel *self)
{
  Page *page = &g_array_index (self->history, Page, self->position);

  return page->kind == PAGE_CONTENTS ? "contents" : page->kind == PAGE_SECTION ? "section" : "entity";
}

/**
 * atlas_plan_panel_set_here:
 * @entities: (nullable): what lies under the last click on the map, smallest
 *   first; listed on the page of any of them. Call before selecting the
 *   first of them.
 */
void
atlas_plan_panel_set_here (AtlasPlanPanel *self,
                           GPtrArray      *entities)
{
  g_return_if_fail (ATLAS_IS_PLAN_PANEL (self));
  g_clear_pointer (&self->here, g_ptr_array_unref);
  if (entities != NULL)
    self->here = g_ptr_array_ref (entities);
  /* the page shown is the first thing here: list the others on it now */
  if (entities != NULL && entities->len > 0 && self->history->len > 0)
    {
      Page *page = &g_array_index (self->history, Page, self->position);

      if (page->kind == PAGE_ENTITY && page->entity == g_ptr_array_index (entities, 0))
        show_page (self);
    }
}
