/* test-plan.c — the plan's text (maps/plan/plan.json) and the index of what
 * it says about each place: structure against the table of contents, no
 * paragraph cut by a page break, broken files, mentions, roles, collective
 * names, memberships, search and the side panel's JSON */

#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>

#include "model/atlas-data.h"
#include "model/atlas-plan-index.h"
#include "atlas-resources.h"
#include "atlas-test-util.h"

#define BROKEN_DIR ATLAS_TEST_DATA_DIR "/plan-broken"
#define ALIASES_RESOURCE "/io/github/capitalatlas/CapitalAtlas/maps/plan/aliases.json"

/* Loaded once (about 2 s) and shared by every test. */
static AtlasData *data;
static AtlasPlanIndex *plan_index;

/* The table of contents at the top of the plan. */
typedef struct
{
  const char *id;
  const char *title_zh;
} TocEntry;

static const TocEntry toc_chapters[] = {
  { "1", "总则" },
  { "2", "首都都市圈定位和布局" },
  { "3", "夯实重点领域协同发展基础" },
  { "4", "促进通勤圈跨界合作一体化发展" },
  { "5", "促进功能圈创新突破高质量发展" },
  { "6", "促进产业协同圈联动开放高水平发展" },
  { "7", "加强首都都市圈空间协同实施保障" },
};

static const char * const chapter_numbers[] = {
  "第一章", "第二章", "第三章", "第四章", "第五章", "第六章", "第七章",
};

static const char * const section_numbers[] = {
  "第一节", "第二节", "第三节", "第四节", "第五节", "第六节",
};

static const TocEntry toc_sections[] = {
  { "1.1", "规划背景" },
  { "1.2", "总体要求" },
  { "1.3", "主要规划依据" },
  { "1.4", "规划范围" },
  { "1.5", "规划期限" },
  { "2.1", "战略定位" },
  { "2.2", "发展目标" },
  { "2.3", "更好服务保障首都功能" },
  { "2.4", "规划建设好北京新的“两翼”" },
  { "2.5", "构建嵌套协同的空间格局" },
  { "3.1", "创新引领产业高质量发展" },
  { "3.2", "建立互联互通综合交通网络" },
  { "3.3", "共塑和谐共生美丽生态空间" },
  { "3.4", "推动公共服务资源共建共享" },
  { "3.5", "共促文化遗产系统性保护与文旅融合发展" },
  { "3.6", "提升空间安全韧性水平" },
  { "4.1", "推动北京城市副中心高质量发展" },
  { "4.2", "发挥北京平原新城区域协同衔接作用" },
  { "4.3", "加强北京生态涵养区首都生态安全保障功能" },
  { "4.4", "引导跨界地区一体化高质量发展" },
  { "5.1", "高质量谱写京津“双城记”" },
  { "5.2", "共同支持河北雄安新区建设" },
  { "5.3", "依托京津、京雄走廊发展新质生产力" },
  /* the table of contents says 优势互补; the heading in the text, which
   * the data follows, says 优势互促 */
  { "6.1", "促进节点城市优势互促、联动发展" },
  { "6.2", "支持形成都市圈协同互动格局" },
  { "7.1", "加强组织领导" },
  { "7.2", "健全重点领域协同治理机制" },
  { "7.3", "健全重点地区协同治理机制" },
  { "7.4", "健全规划实施机制" },
};

/* Helpers */

static guint
section_position (const char *id)
{
  guint n;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);
  const AtlasSection *s = atlas_plan_lookup (data->plan, id);

  if (s == NULL)
    g_error ("no section “%s” in the plan", id);
  g_assert_true (s >= sections && s < sections + n);
  return s - sections;
}

static AtlasEntity *
entity (const char *name_or_id)
{
  AtlasEntity *e = atlas_plan_index_lookup (plan_index, name_or_id);

  if (e == NULL)
    g_error ("no entity “%s” in the index", name_or_id);
  return e;
}

static AtlasEntity *
county (guint32 code)
{
  AtlasEntity *e = atlas_plan_index_get_county (plan_index, code);

  if (e == NULL)
    g_error ("no county %06u in the index", code);
  g_assert_cmpint (e->kind, ==, ATLAS_ENTITY_COUNTY);
  return e;
}

static gboolean
section_within (const char *id,
                const char *ancestor)
{
  gsize n = strlen (ancestor);

  return g_str_equal (id, ancestor) || (strncmp (id, ancestor, n) == 0 && id[n] == '.');
}

static AtlasMention *
mention (guint i,
         AtlasEntity *e)
{
  return g_ptr_array_index (e->mentions, i);
}

/* The first mention of @e in @section_id or one of its parts, or NULL. */
static AtlasMention *
mention_within (AtlasEntity *e,
                const char  *section_id)
{
  for (guint i = 0; i < e->mentions->len; i++)
    if (section_within (mention (i, e)->section->id, section_id))
      return mention (i, e);
  return NULL;
}

static void
dump_mentions (AtlasEntity *e,
               guint        max)
{
  g_test_message ("%s (%s): %u mentions", e->name_zh, e->id, e->mentions->len);
  for (guint i = 0; i < e->mentions->len && i < max; i++)
    {
      AtlasMention *m = mention (i, e);

      g_test_message ("  %s%s %s term “%s”", m->role ? "role " : "", m->via_alias ? "alias " : "",
                      m->paragraph->id, m->term != NULL ? m->term : "(none)");
    }
}

static gboolean
has_membership (GPtrArray  *members,
                const char *feature_id)
{
  for (guint i = 0; i < members->len; i++)
    {
      AtlasEntity *m = g_ptr_array_index (members, i);

      g_assert_nonnull (m);
      if (m->kind == ATLAS_ENTITY_FEATURE && g_str_equal (m->id, feature_id))
        return TRUE;
    }
  return FALSE;
}

static void
dump_memberships (AtlasEntity *e,
                  GPtrArray   *members)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < members->len; i++)
    g_string_append_printf (s, " %s", ((AtlasEntity *) g_ptr_array_index (members, i))->id);
  g_test_message ("%s belongs to:%s", e->name_zh, s->str);
  g_string_free (s, TRUE);
}

/* Every mention points into its paragraph and its matched text is its
 * term (passage results of a search have no term). */
static void
assert_mention_consistent (AtlasMention *m)
{
  g_assert_nonnull (m->section);
  g_assert_nonnull (m->paragraph);
  g_assert_true (m->paragraph >= m->section->paragraphs
                 && m->paragraph < m->section->paragraphs + m->section->n_paragraphs);
  if (m->length > 0)
    {
      g_assert_cmpuint (m->offset + m->length, <=, strlen (m->paragraph->text));
      g_assert_true (g_utf8_validate (m->paragraph->text + m->offset, m->length, NULL));
      if (m->term != NULL)
        {
          g_assert_cmpuint (m->length, ==, strlen (m->term));
          g_assert_true (strncmp (m->paragraph->text + m->offset, m->term, m->length) == 0);
        }
    }
}

/* Structure */

static void
test_title (void)
{
  g_assert_cmpstr (atlas_plan_get_title (data->plan), ==, "现代化首都都市圈空间协同规划（2023—2035年）");
}

static void
test_chapters (void)
{
  guint n, k = 0, last = 0;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);

  for (guint i = 0; i < n; i++)
    {
      const AtlasSection *s = &sections[i];

      if (!g_str_equal (s->kind, "chapter"))
        continue;
      g_assert_cmpuint (k, <, G_N_ELEMENTS (toc_chapters));
      g_assert_cmpstr (s->id, ==, toc_chapters[k].id);
      g_assert_cmpstr (s->title_zh, ==, toc_chapters[k].title_zh);
      g_assert_cmpstr (s->number_zh, ==, chapter_numbers[k]);
      g_assert_null (s->parent);
      g_assert_true (k == 0 || i > last);
      last = i;
      k++;
    }
  g_assert_cmpuint (k, ==, 7);
}

static void
test_sections_follow_toc (void)
{
  guint n, previous = 0;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);

  for (guint i = 0; i < G_N_ELEMENTS (toc_sections); i++)
    {
      const AtlasSection *s = atlas_plan_lookup (data->plan, toc_sections[i].id);
      g_autofree char *chapter = NULL;
      guint pos, m;

      if (s == NULL)
        g_error ("section %s “%s” of the table of contents is not in the plan",
                 toc_sections[i].id, toc_sections[i].title_zh);
      pos = section_position (toc_sections[i].id);
      chapter = g_strndup (s->id, strchr (s->id, '.') - s->id);
      m = (guint) g_ascii_strtoull (strchr (s->id, '.') + 1, NULL, 10);

      g_assert_cmpstr (s->kind, ==, "section");
      g_assert_cmpstr (s->title_zh, ==, toc_sections[i].title_zh);
      g_assert_cmpstr (s->parent, ==, chapter);
      g_assert_cmpuint (m, >=, 1);
      g_assert_cmpuint (m, <=, G_N_ELEMENTS (section_numbers));
      g_assert_cmpstr (s->number_zh, ==, section_numbers[m - 1]);
      /* in document order, each after its chapter */
      g_assert_cmpuint (pos, >, section_position (chapter));
      g_assert_cmpuint (pos, >, previous);
      previous = pos;
    }

  /* and the plan has no section the table of contents does not list */
  for (guint i = 0; i < n; i++)
    if (g_str_equal (sections[i].kind, "section"))
      {
        gboolean listed = FALSE;

        for (guint k = 0; k < G_N_ELEMENTS (toc_sections) && !listed; k++)
          listed = g_str_equal (sections[i].id, toc_sections[k].id);
        if (!listed)
          g_error ("section %s “%s” is not in the table of contents", sections[i].id,
                   sections[i].title_zh);
      }
}

static void
test_hierarchy (void)
{
  guint n;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, >, G_N_ELEMENTS (toc_sections) + 7);
  for (guint i = 0; i < n; i++)
    {
      const AtlasSection *s = &sections[i];

      g_assert_nonnull (s->id);
      g_assert_nonnull (s->title_zh);
      g_assert_cmpstr (s->title_zh, !=, "");
      g_assert_true (g_str_equal (s->kind, "preface") || g_str_equal (s->kind, "chapter")
                     || g_str_equal (s->kind, "section") || g_str_equal (s->kind, "item")
                     || g_str_equal (s->kind, "figures") || g_str_equal (s->kind, "approval"));
      g_assert_true (atlas_plan_lookup (data->plan, s->id) == s);

      if (s->parent != NULL)
        {
          /* parents come first, and ids nest */
          g_autofree char *prefix = g_strconcat (s->parent, ".", NULL);

          g_assert_true (g_hash_table_contains (seen, s->parent));
          g_assert_true (g_str_has_prefix (s->id, prefix));
          g_assert_null (strchr (s->id + strlen (prefix), '.'));
        }
      if (g_str_equal (s->kind, "item"))
        {
          const AtlasSection *parent = atlas_plan_lookup (data->plan, s->parent);

          g_assert_nonnull (parent);
          g_assert_cmpstr (parent->kind, ==, "section");
          g_assert_true (g_str_has_suffix (s->number_zh, "."));
        }
      g_hash_table_add (seen, s->id);
    }

  /* preface first; figures and approval close the plan */
  g_assert_cmpstr (sections[0].id, ==, "preface");
  g_assert_cmpstr (sections[0].kind, ==, "preface");
  g_assert_cmpstr (sections[n - 2].kind, ==, "figures");
  g_assert_cmpstr (sections[n - 1].kind, ==, "approval");
}

static void
test_ids_unique (void)
{
  guint n;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      const AtlasSection *s = &sections[i];

      if (!g_hash_table_add (ids, s->id))
        g_error ("section id %s appears twice", s->id);
      for (guint p = 0; p < s->n_paragraphs; p++)
        {
          g_autofree char *expected = g_strdup_printf ("%s/p%u", s->id, p + 1);
          const char *text = s->paragraphs[p].text;
          g_autofree char *stripped = g_strstrip (g_strdup (text));

          if (!g_hash_table_add (ids, s->paragraphs[p].id))
            g_error ("paragraph id %s appears twice", s->paragraphs[p].id);
          g_assert_cmpstr (s->paragraphs[p].id, ==, expected);
          g_assert_true (g_utf8_validate (text, -1, NULL));
          if (*stripped == '\0')
            g_error ("paragraph %s is empty", s->paragraphs[p].id);
          g_assert_null (strchr (text, '\n'));
          g_assert_null (strchr (text, '\f'));
        }
    }
}

static void
test_preface (void)
{
  const AtlasSection *s = atlas_plan_lookup (data->plan, "preface");

  g_assert_nonnull (s);
  g_assert_cmpstr (s->title_zh, ==, "序言");
  g_assert_cmpuint (s->n_paragraphs, ==, 3);
  g_assert_true (g_str_has_prefix (s->paragraphs[0].text, "党的十八大以来"));
  g_assert_nonnull (strstr (s->paragraphs[1].text, "《现代化首都都市圈空间协同规划（2023—2035年）》"));
}

static void
test_figures (void)
{
  const AtlasSection *s = atlas_plan_lookup (data->plan, "figures");

  g_assert_nonnull (s);
  g_assert_cmpstr (s->kind, ==, "figures");
  g_assert_cmpstr (s->title_zh, ==, "附图");
  g_assert_cmpuint (s->n_paragraphs, ==, 6);
  for (guint i = 0; i < s->n_paragraphs; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("图%02u ", i + 1);

      g_assert_true (g_str_has_prefix (s->paragraphs[i].text, prefix));
      g_assert_nonnull (strstr (s->paragraphs[i].text, "首都都市圈"));
    }
}

static void
test_approval (void)
{
  const AtlasSection *s = atlas_plan_lookup (data->plan, "approval");

  g_assert_nonnull (s);
  g_assert_cmpstr (s->kind, ==, "approval");
  g_assert_nonnull (strstr (s->title_zh, "批复"));
  g_assert_cmpuint (s->n_paragraphs, >=, 10);
  g_assert_cmpstr (s->paragraphs[0].text, ==, "北京市、天津市、河北省党委和人民政府：");
  g_assert_true (g_str_has_prefix (s->paragraphs[3].text, "一、同意《规划》。"));
  g_assert_cmpstr (s->paragraphs[s->n_paragraphs - 1].text, ==, "2026年1月22日");
}

/* Page breaks */

typedef struct
{
  const char *section;
  const char *text;
} Joint;

/* Text that runs across a page break in the source. */
static const Joint page_breaks[] = {
  { "preface", "区域经济布局和国土空间体系”的率先实践" },
  { "1.4", "天津市和河北雄安新区功能提升，河北省唐山市" },
  { "2.1.3", "传承红色基因、赓续红色血脉。深入" },
  { "2.4", "京津冀世界级城市群的重要一极、现代化" },
  { "2.5.6", "等节点城市及功能园区，石家庄都市圈中" },
  { "3.2.4", "首都环线高速全线在环京地区布局" },
  { "3.3.3", "加强密云水库、官厅水库" },
  { "4.2.2", "北京大兴国际机场临空经济区建设。做优做专" },
  { "4.4.2", "通武廊地区包括北京市通州区、天津市武清区和河北省廊坊市的相关地区。打造京津走廊" },
  { "4.4.4", "落实京津冀生态环境执法联动工作机制" },
  { "5.1.6", "海洋装备制造业、海洋药物与生" },
  { "6.1.1", "优化临港产业空间布局，" },
  { "7.3", "区域文化旅游合作机制。完善城乡融合" },
};

static void
test_page_breaks_known (void)
{
  guint n;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);
  const AtlasSection *s = atlas_plan_lookup (data->plan, "2.5.6");

  /* 多圈: one paragraph from its heading to its full stop */
  g_assert_nonnull (s);
  g_assert_cmpstr (s->paragraphs[0].text, ==,
                   "多圈：推动形成清晰合理、空间嵌套的多圈层结构，梯次布局北京平原新城、北京生态涵养区、"
                   "通勤圈、功能圈及产业协同圈等多个圈层。");

  for (guint j = 0; j < G_N_ELEMENTS (page_breaks); j++)
    {
      guint found = 0;

      for (guint i = 0; i < n; i++)
        for (guint p = 0; p < sections[i].n_paragraphs; p++)
          if (strstr (sections[i].paragraphs[p].text, page_breaks[j].text) != NULL)
            {
              g_assert_cmpstr (sections[i].id, ==, page_breaks[j].section);
              found++;
            }
      if (found != 1)
        g_error ("“%s”, across a page break, is in %u paragraphs, not one", page_breaks[j].text, found);
    }
}

static gboolean
ends_sentence (const char *text)
{
  static const char * const finals[] = { "。", "；", "！", "？", "：", "”", "）", "》" };

  for (guint i = 0; i < G_N_ELEMENTS (finals); i++)
    if (g_str_has_suffix (text, finals[i]))
      return TRUE;
  return FALSE;
}

/* Text that cannot open a paragraph: it continues one. */
static gboolean
starts_mid_sentence (const char *text)
{
  static const char * const continuations[] = {
    "，", "、", "。", "；", "：", "）", "》", "”", "的", "和", "与", "及", "等",
  };

  for (guint i = 0; i < G_N_ELEMENTS (continuations); i++)
    if (g_str_has_prefix (text, continuations[i]))
      return TRUE;
  return FALSE;
}

/* A heading, a list entry, a figure caption, a signature: short. */
#define HEADING_CHARS 40

static void
test_page_breaks_heuristic (void)
{
  guint n, offenders = 0, unfinished = 0;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);

  for (guint i = 0; i < n; i++)
    for (guint p = 0; p < sections[i].n_paragraphs; p++)
      {
        const AtlasParagraph *para = &sections[i].paragraphs[p];
        const AtlasParagraph *next = p + 1 < sections[i].n_paragraphs ? para + 1 : NULL;
        glong length = g_utf8_strlen (para->text, -1);

        if (starts_mid_sentence (para->text))
          {
            g_test_message ("%s starts mid-sentence: “%.30s…”", para->id, para->text);
            offenders++;
          }
        if (ends_sentence (para->text))
          continue;
        unfinished++;
        if (length > HEADING_CHARS || (next != NULL && starts_mid_sentence (next->text)))
          {
            g_test_message ("%s (%ld characters) ends without punctuation: “…%s”", para->id,
                            length, g_utf8_offset_to_pointer (para->text, MAX (0, length - 12)));
            offenders++;
          }
      }
  g_test_message ("%u short paragraphs without final punctuation (headings, captions, signatures)",
                  unfinished);
  g_assert_cmpuint (offenders, ==, 0);
}

/* Lookup */

static void
test_lookup (void)
{
  const char * const ids[] = { "2.5.6", "4.4.2", "preface", "approval", "figures", "1", "7.4" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const AtlasSection *s = atlas_plan_lookup (data->plan, ids[i]);

      g_assert_nonnull (s);
      g_assert_cmpstr (s->id, ==, ids[i]);
    }
  g_assert_cmpstr (atlas_plan_lookup (data->plan, "2.5.6")->title_zh, ==, "多圈");
  g_assert_cmpstr (atlas_plan_lookup (data->plan, "2.5.6")->parent, ==, "2.5");
  g_assert_cmpstr (atlas_plan_lookup (data->plan, "4.4.2")->title_zh, ==,
                   "推动通武廊地区建设产业创新发展先行区");
  g_assert_cmpuint (atlas_plan_lookup (data->plan, "4.4.2")->n_paragraphs, ==, 5);

  g_assert_null (atlas_plan_lookup (data->plan, "8"));
  g_assert_null (atlas_plan_lookup (data->plan, "4.4.9"));
  g_assert_null (atlas_plan_lookup (data->plan, ""));
  g_assert_null (atlas_plan_lookup (data->plan, "4.4.2/p1"));
}

/* Broken files */

typedef struct
{
  const char *name;
  const char *message;   /* part of the error message after the file name */
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "malformed-json", NULL },
  { "missing-id", "section 2" },
  { "duplicate-id", "duplicate id" },
  { "paragraph-without-text", "paragraph without id or text" },
  { "paragraph-text-not-string", "paragraph without id or text" },
  { "top-level-array", "top level" },
  { "no-sections", "sections missing" },
  { "section-not-object", "not an object" },
  { "paragraphs-missing", "paragraphs missing" },
};

static GBytes *
read_fixture (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.json", BROKEN_DIR, name);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  return g_bytes_new_take (contents, length);
}

/* A file missing from a maps folder is reported in the data's own error
 * domain, naming the file. */
static void
test_missing_file (void)
{
  g_autofree char *dir_path = g_dir_make_tmp ("atlas-plan-XXXXXX", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) aliases = atlas_data_load_aliases (dir, &error);

  g_assert_null (aliases);
  g_assert_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "plan/aliases.json"));
  g_rmdir (dir_path);
}

static void
test_broken (gconstpointer user_data)
{
  const BrokenCase *c = user_data;
  g_autofree char *name = g_strdup_printf ("%s.json", c->name);
  g_autoptr(GBytes) bytes = read_fixture (c->name);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasPlan) plan = atlas_plan_new_from_bytes (bytes, name, &error);

  g_assert_null (plan);
  g_assert_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, name));
  if (c->message != NULL)
    g_assert_nonnull (strstr (error->message, c->message));
}

static void
test_valid_minimal (void)
{
  g_autoptr(GBytes) bytes = read_fixture ("valid-minimal");
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasPlan) plan = atlas_plan_new_from_bytes (bytes, "valid-minimal.json", &error);
  const AtlasSection *sections;
  guint n;

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  sections = atlas_plan_get_sections (plan, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (sections[0].id, ==, "1");
  g_assert_cmpuint (sections[0].n_paragraphs, ==, 1);
  g_assert_cmpstr (sections[0].paragraphs[0].text, ==, "首都都市圈地处燕山脚下。");
  g_assert_cmpuint (sections[1].n_paragraphs, ==, 0);
  g_assert_null (sections[0].parent);
  g_assert_null (sections[0].title_en);
  g_assert_true (atlas_plan_lookup (plan, "1.1") == &sections[1]);
}

/* An empty file parses to no root node at all. */
static void
empty_plan (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasPlan) plan = atlas_plan_new_from_bytes (bytes, "empty.json", &error);

  g_assert_null (plan);
  g_assert_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, "empty.json"));
}

static void
empty_aliases (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("  \n", 3);
  g_autoptr(GError) error = NULL;
  AtlasPlanIndex *index = atlas_plan_index_new (data, bytes, &error);

  g_assert_null (index);
  g_assert_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "aliases.json"));
}

static void
test_empty_file (gconstpointer user_data)
{
  const char *what = user_data;

  if (g_test_subprocess ())
    {
      if (g_str_equal (what, "plan"))
        empty_plan ();
      else
        empty_aliases ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_broken_aliases (void)
{
  g_autoptr(GBytes) malformed = g_bytes_new_static ("[ { \"alias\": ", 13);
  g_autoptr(GBytes) object = g_bytes_new_static ("{}", 2);
  g_autoptr(GError) error = NULL;
  AtlasPlanIndex *index;

  index = atlas_plan_index_new (data, malformed, &error);
  g_assert_null (index);
  g_assert_nonnull (error);
  g_clear_error (&error);

  index = atlas_plan_index_new (data, object, &error);
  g_assert_null (index);
  g_assert_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "aliases.json"));
}

/* Index: mentions */

static void
test_mentions_consistent (void)
{
  guint n, total = 0;
  const AtlasCounty *counties = atlas_basemap_get_counties (data->basemap, &n);
  GPtrArray *features = atlas_overlays_get_features (data->overlays);

  for (guint i = 0; i < n; i++)
    {
      AtlasEntity *e = county (counties[i].code);

      for (guint k = 0; k < e->mentions->len; k++)
        {
          assert_mention_consistent (mention (k, e));
          g_assert_true (mention (k, e)->length == 0 || mention (k, e)->term != NULL);
          /* sorted: roles first, then direct before collective names,
           * then in plan order */
          if (k > 0)
            {
              AtlasMention *a = mention (k - 1, e), *b = mention (k, e);

              g_assert_true (a->role >= b->role);
              if (a->role == b->role)
                g_assert_true (a->via_alias <= b->via_alias);
              if (a->role == b->role && a->via_alias == b->via_alias)
                g_assert_cmpuint (a->paragraph_index, <, b->paragraph_index);
            }
        }
      total += e->mentions->len;
    }
  for (guint i = 0; i < features->len; i++)
    {
      AtlasEntity *e = atlas_plan_index_get_feature (plan_index, g_ptr_array_index (features, i));

      g_assert_nonnull (e);
      g_assert_cmpint (e->kind, ==, ATLAS_ENTITY_FEATURE);
      g_assert_true (e->ref == g_ptr_array_index (features, i));
      for (guint k = 0; k < e->mentions->len; k++)
        assert_mention_consistent (mention (k, e));
    }
  g_test_message ("%u mentions of %u counties", total, n);
  g_assert_cmpuint (total, >, 500);
}

static void
test_xianghe (void)
{
  AtlasEntity *e = entity ("香河县");
  g_autoptr(GPtrArray) members = atlas_plan_index_memberships (plan_index, e);
  AtlasMention *m;

  g_assert_cmpint (e->kind, ==, ATLAS_ENTITY_COUNTY);
  g_assert_cmpstr (e->id, ==, "131024");
  g_assert_true (atlas_plan_index_lookup (plan_index, "131024") == e);
  dump_memberships (e, members);
  g_assert_true (has_membership (members, "commuting_circle"));
  g_assert_true (has_membership (members, "functional_circle"));
  g_assert_true (has_membership (members, "industrial_circle"));
  g_assert_true (has_membership (members, "xb_tongzhou_beisan"));

  dump_mentions (e, 12);
  /* 4.1 item 2: 通州区与北三县包括北京市通州区和河北省廊坊市三河市、大厂回族自治县、香河县 */
  m = mention_within (e, "4.1.2");
  g_assert_nonnull (m);
  g_assert_cmpstr (m->paragraph->id, ==, "4.1.2/p1");
  g_assert_false (m->via_alias);
  g_assert_cmpstr (m->term, ==, "香河县");
  /* 2.5 item 6 lists it in the commuting and functional circles */
  g_assert_nonnull (mention_within (e, "2.5.6"));
}

static void
test_tianjin_port (void)
{
  AtlasEntity *e = entity ("天津港");
  AtlasMention *m;

  dump_mentions (e, 8);
  m = mention_within (e, "5.1.3");
  g_assert_nonnull (m);
  g_assert_true (g_str_has_prefix (m->paragraph->id, "5.1.3/p"));
  g_assert_cmpstr (m->term, ==, "天津港");
  g_assert_false (m->via_alias);
}

static void
test_dingxing (void)
{
  AtlasEntity *e = entity ("定兴县");
  g_autoptr(GPtrArray) members = atlas_plan_index_memberships (plan_index, e);

  g_assert_cmpstr (e->id, ==, "130626");
  dump_memberships (e, members);
  g_assert_true (has_membership (members, "functional_circle"));
  g_assert_false (has_membership (members, "commuting_circle"));
  g_assert_true (has_membership (members, "industrial_circle"));
}

/* The byte ranges of @needle in @text contain @offset. */
static gboolean
inside_occurrence (const char *text,
                   guint       offset,
                   const char *needle)
{
  for (const char *s = strstr (text, needle); s != NULL; s = strstr (s + 1, needle))
    if (offset >= (guint) (s - text) && offset < (guint) (s - text) + strlen (needle))
      return TRUE;
  return FALSE;
}

static void
test_daxing_not_airport (void)
{
  AtlasEntity *e = entity ("大兴区");
  AtlasEntity *airport = entity ("北京大兴国际机场");
  guint roles = 0;

  g_assert_cmpstr (e->id, ==, "110115");
  dump_mentions (e, 10);
  for (guint i = 0; i < e->mentions->len; i++)
    {
      AtlasMention *m = mention (i, e);
      const char *at = m->paragraph->text + m->offset;

      if (m->length == 0)
        continue;
      if (m->role)
        {
          roles++;
          g_assert_false (g_str_has_prefix (at, "大兴国际机场"));
          g_assert_false (g_str_has_prefix (at, "大兴机场"));
        }
      if (inside_occurrence (m->paragraph->text, m->offset, "大兴国际机场")
          || inside_occurrence (m->paragraph->text, m->offset, "大兴机场"))
        g_error ("%s: 大兴区 matched inside the airport's name (term “%s”)", m->paragraph->id, m->term);
    }
  g_assert_cmpuint (roles, >, 0);

  /* the airport itself is found where the plan names it */
  dump_mentions (airport, 4);
  g_assert_cmpint (airport->kind, ==, ATLAS_ENTITY_PLACE);
  g_assert_nonnull (mention_within (airport, "3.2.1"));
}

static void
test_hebei_district (void)
{
  AtlasEntity *e = county (120105);

  g_assert_cmpstr (e->name_zh, ==, "河北区");
  dump_mentions (e, 10);
  for (guint i = 0; i < e->mentions->len; i++)
    {
      AtlasMention *m = mention (i, e);

      g_assert_cmpstr (m->term, !=, "河北");
      if (m->length > 0 && !m->via_alias)
        g_assert_true (g_str_has_prefix (m->paragraph->text + m->offset, "河北区"));
    }
  /* 河北 appears in hundreds of paragraphs; 河北区 in few if any */
  g_assert_cmpuint (e->mentions->len, <, 20);
}

/* A county's short name (大兴 for 大兴区) must name that county, not a
 * word or another place that begins the same way: 大城 in 超大城市,
 * 承德 for 承德市 rather than 承德县, 复兴 in 伟大复兴, 清河 in 小清河. */
static const struct
{
  guint32     code;
  const char *before;   /* the text just before the match, or NULL */
  const char *after;    /* the text just after the match, or NULL */
} short_name_traps[] = {
  { 131025, NULL, "市" },       /* 大城县: 大城市, 超大城市 */
  { 130821, NULL, "市" },       /* 承德县: 承德市 */
  { 130521, NULL, "市" },       /* 邢台县: 邢台市 */
  { 130404, "伟大", NULL },     /* 复兴区: 中华民族伟大复兴 */
  { 130534, "小", NULL },       /* 清河县: 小清河 */
};

static void
test_short_name_traps (void)
{
  guint n, offenders = 0;
  const AtlasCounty *counties = atlas_basemap_get_counties (data->basemap, &n);

  for (guint t = 0; t < G_N_ELEMENTS (short_name_traps); t++)
    {
      AtlasEntity *e = county (short_name_traps[t].code);

      for (guint i = 0; i < e->mentions->len; i++)
        {
          AtlasMention *m = mention (i, e);
          const char *text = m->paragraph->text;
          const char *before = short_name_traps[t].before, *after = short_name_traps[t].after;

          if (m->length == 0 || m->via_alias)
            continue;
          if ((after != NULL && g_str_has_prefix (text + m->offset + m->length, after))
              || (before != NULL && m->offset >= strlen (before)
                  && strncmp (text + m->offset - strlen (before), before, strlen (before)) == 0))
            {
              g_test_message ("%s %s: %s“%s”%s%s", e->name_zh, m->paragraph->id,
                              before != NULL ? before : "", m->term, after != NULL ? after : "",
                              m->role ? " (as its role)" : "");
              offenders++;
            }
        }
    }

  /* and generally: the short name of a 县 or 区 followed by 市 is a city */
  for (guint c = 0; c < n; c++)
    {
      AtlasEntity *e = county (counties[c].code);

      if (g_str_has_suffix (e->name_zh, "市"))
        continue;
      for (guint i = 0; i < e->mentions->len; i++)
        {
          AtlasMention *m = mention (i, e);
          gboolean trap = FALSE;

          if (m->length == 0 || m->via_alias || g_str_equal (m->term, e->name_zh)
              || !g_str_has_prefix (e->name_zh, m->term)
              || !g_str_has_prefix (m->paragraph->text + m->offset + m->length, "市"))
            continue;
          for (guint t = 0; t < G_N_ELEMENTS (short_name_traps); t++)
            trap |= short_name_traps[t].code == counties[c].code;
          if (!trap)
            {
              g_test_message ("%s %s: “%s市”", e->name_zh, m->paragraph->id, m->term);
              offenders++;
            }
        }
    }

  g_assert_cmpuint (offenders, ==, 0);
}

/* Index: roles */

static void
assert_first_role (AtlasEntity *e,
                   const char  *section_id)
{
  AtlasMention *m;

  dump_mentions (e, 4);
  g_assert_cmpuint (e->mentions->len, >, 0);
  m = mention (0, e);
  g_assert_true (m->role);
  g_assert_false (m->via_alias);
  g_assert_cmpstr (m->section->id, ==, section_id);
}

static void
test_role_plain_new_towns (void)
{
  /* 4.2 item 2: 顺义聚焦…, 大兴聚焦…, 昌平聚焦…, 房山聚焦… */
  assert_first_role (entity ("顺义区"), "4.2.2");
  g_assert_cmpstr (mention (0, entity ("顺义区"))->paragraph->id, ==, "4.2.2/p1");
  assert_first_role (entity ("大兴区"), "4.2.2");
  assert_first_role (entity ("昌平区"), "4.2.2");
  assert_first_role (entity ("房山区"), "4.2.2");
}

static void
test_role_eco_conservation (void)
{
  /* 4.3 item 2: 门头沟区是首都西部重点生态保育… */
  assert_first_role (entity ("门头沟区"), "4.3.2");
  g_assert_cmpstr (mention (0, entity ("门头沟区"))->paragraph->id, ==, "4.3.2/p1");
  assert_first_role (entity ("平谷区"), "4.3.2");
  assert_first_role (entity ("怀柔区"), "4.3.2");
  assert_first_role (entity ("密云区"), "4.3.2");
  assert_first_role (entity ("延庆区"), "4.3.2");

  /* 2.5 item 6 lists them without defining their role */
  g_assert_false (mention_within (entity ("门头沟区"), "2.5.6")->role);
}

static void
test_role_feature (void)
{
  AtlasEntity *e = entity ("xb_tongzhou_beisan");
  gboolean cited = FALSE, seen_other = FALSE;

  g_assert_cmpint (e->kind, ==, ATLAS_ENTITY_FEATURE);
  g_assert_cmpstr (e->name_zh, ==, "通州区与北三县");
  dump_mentions (e, 10);
  g_assert_true (mention (0, e)->role);
  for (guint i = 0; i < e->mentions->len; i++)
    {
      AtlasMention *m = mention (i, e);

      if (!m->role)
        seen_other = TRUE;
      else
        {
          g_assert_false (seen_other);
          cited |= section_within (m->section->id, "4.4") || section_within (m->section->id, "4.1");
        }
    }
  g_assert_true (cited);
  /* the paragraph that defines it is among the roles */
  g_assert_true (mention_within (e, "4.1.2")->role);
  g_assert_cmpstr (mention_within (e, "4.1.2")->paragraph->id, ==, "4.1.2/p1");
}

/* Index: collective names */

static void
test_alias_beisan (void)
{
  const guint32 codes[] = { 131082, 131028, 131024 };

  for (guint c = 0; c < G_N_ELEMENTS (codes); c++)
    {
      AtlasEntity *e = county (codes[c]);
      gboolean found = FALSE;

      for (guint i = 0; i < e->mentions->len && !found; i++)
        {
          AtlasMention *m = mention (i, e);

          if (m->via_alias && g_strcmp0 (m->term, "北三县") == 0)
            {
              g_assert_false (m->role);
              g_assert_true (g_str_has_prefix (m->paragraph->text + m->offset, "北三县"));
              found = TRUE;
            }
        }
      if (!found)
        {
          dump_mentions (e, 20);
          g_error ("%s has no mention through 北三县", e->name_zh);
        }
    }

  /* 4.1.2/p3 names only 北三县; 三河市 gets it through the collective name */
  {
    AtlasMention *m = NULL;
    AtlasEntity *sanhe = county (131082);

    for (guint i = 0; i < sanhe->mentions->len; i++)
      if (g_str_equal (mention (i, sanhe)->paragraph->id, "4.1.2/p3"))
        m = mention (i, sanhe);
    g_assert_nonnull (m);
    g_assert_true (m->via_alias);
    /* and a direct mention in the same paragraph wins: 4.1.2/p1 names it */
    g_assert_false (mention_within (sanhe, "4.1.2")->via_alias);
  }
}

static void
test_alias_too_broad (void)
{
  /* 京津冀, 北京, 河北 stand for whole provinces: not a mention of each county */
  AtlasEntity *e = county (130626);

  for (guint i = 0; i < e->mentions->len; i++)
    {
      AtlasMention *m = mention (i, e);

      g_assert_cmpstr (m->term, !=, "京津冀");
      g_assert_cmpstr (m->term, !=, "河北");
      g_assert_cmpstr (m->term, !=, "河北省");
    }
}

/* Index: search */

static void
assert_sorted (GArray *results)
{
  for (guint i = 1; i < results->len; i++)
    g_assert_cmpfloat (g_array_index (results, AtlasSearchResult, i - 1).score, >=,
                       g_array_index (results, AtlasSearchResult, i).score);
}

static void
test_search_baiyangdian (void)
{
  g_autoptr(GArray) results = atlas_plan_index_search (plan_index, "白洋淀", 0);
  gint first_entity = -1, first_passage = -1;
  guint passages = 0;

  g_assert_nonnull (results);
  assert_sorted (results);
  for (guint i = 0; i < results->len; i++)
    {
      AtlasSearchResult *r = &g_array_index (results, AtlasSearchResult, i);

      if (r->entity != NULL)
        {
          if (first_entity < 0 && g_str_equal (r->entity->name_zh, "白洋淀"))
            first_entity = i;
        }
      else
        {
          if (first_passage < 0)
            first_passage = i;
          passages++;
          assert_mention_consistent (&r->passage);
          g_assert_true (strncmp (r->passage.paragraph->text + r->passage.offset, "白洋淀",
                                  r->passage.length) == 0);
          g_assert_cmpuint (r->passage.length, ==, strlen ("白洋淀"));
        }
    }
  g_test_message ("白洋淀: %u results, %u passages, entity at %d, first passage at %d",
                  results->len, passages, first_entity, first_passage);
  g_assert_cmpint (first_entity, ==, 0);
  g_assert_cmpint (first_passage, >, first_entity);
  g_assert_cmpuint (passages, >=, 3);
}

static void
test_search_limit (void)
{
  g_autoptr(GArray) all = atlas_plan_index_search (plan_index, "白洋淀", 0);
  g_autoptr(GArray) some = atlas_plan_index_search (plan_index, "白洋淀", 2);

  g_assert_cmpuint (all->len, >, 2);
  g_assert_cmpuint (some->len, ==, 2);
  for (guint i = 0; i < some->len; i++)
    {
      AtlasSearchResult *a = &g_array_index (all, AtlasSearchResult, i);
      AtlasSearchResult *b = &g_array_index (some, AtlasSearchResult, i);

      g_assert_true (a->entity == b->entity);
      g_assert_cmpfloat (a->score, ==, b->score);
    }
}

static void
test_search_empty (void)
{
  g_autoptr(GArray) empty = atlas_plan_index_search (plan_index, "", 0);
  g_autoptr(GArray) blank = atlas_plan_index_search (plan_index, "  ", 0);
  g_autoptr(GArray) null = atlas_plan_index_search (plan_index, NULL, 0);
  g_autoptr(GArray) nothing = atlas_plan_index_search (plan_index, "zzzqqq", 0);

  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpuint (blank->len, ==, 0);
  g_assert_cmpuint (null->len, ==, 0);
  g_assert_cmpuint (nothing->len, ==, 0);
}

static void
test_search_english (void)
{
  const char * const queries[] = { "xianghe", "XIANGHE", "Xianghe" };
  AtlasEntity *xianghe = entity ("香河县");

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GArray) results = atlas_plan_index_search (plan_index, queries[q], 0);
      gboolean found = FALSE;

      assert_sorted (results);
      for (guint i = 0; i < results->len; i++)
        found |= g_array_index (results, AtlasSearchResult, i).entity == xianghe;
      if (!found)
        g_error ("search “%s” does not find 香河县", queries[q]);
    }
}

static void
test_search_sorted (void)
{
  const char * const queries[] = { "通州", "雄安", "天津港", "Beijing", "大兴", "北三县" };

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GArray) results = atlas_plan_index_search (plan_index, queries[q], 0);
      g_autofree char *json = atlas_search_results_to_json (results);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("“%s”: %u results", queries[q], results->len);
      g_assert_cmpuint (results->len, >, 0);
      assert_sorted (results);
      /* entities before passages of equal score, passages in plan order */
      for (guint i = 1; i < results->len; i++)
        {
          AtlasSearchResult *a = &g_array_index (results, AtlasSearchResult, i - 1);
          AtlasSearchResult *b = &g_array_index (results, AtlasSearchResult, i);

          if (a->entity == NULL && b->entity == NULL && a->score == b->score)
            g_assert_cmpuint (a->passage.paragraph_index, <, b->passage.paragraph_index);
          if (a->entity == NULL && a->score == b->score)
            g_assert_null (b->entity);
        }

      g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                          json_node_get_object (json_parser_get_root (parser)), "results")),
                        ==, results->len);
    }
}

/* Index: features citing a section */

static void
test_features_citing (void)
{
  g_autoptr(GPtrArray) features = atlas_plan_index_features_citing (plan_index, "4.4");
  g_autoptr(GPtrArray) item = atlas_plan_index_features_citing (plan_index, "4.4.2");
  g_autoptr(GPtrArray) none = atlas_plan_index_features_citing (plan_index, "approval");
  GString *ids = g_string_new (NULL);
  guint crossborder = 0;
  gboolean tongzhou_beisan = FALSE, tongwulang = FALSE;

  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);

      g_string_append_printf (ids, " %s", f->id);
      if (g_str_has_prefix (f->id, "xb_"))
        crossborder++;
      tongzhou_beisan |= g_str_equal (f->id, "xb_tongzhou_beisan");
    }
  for (guint i = 0; i < item->len; i++)
    tongwulang |= g_str_equal (((AtlasOverlayFeature *) g_ptr_array_index (item, i))->id, "xb_tongwulang");
  g_test_message ("features citing 4.4:%s", ids->str);
  g_string_free (ids, TRUE);

  g_assert_true (tongwulang);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (crossborder, >=, 6);

  /* the layer crossborder.areas cites 4.4: all seven areas */
  g_assert_cmpuint (crossborder, >=, 7);
  g_assert_true (tongzhou_beisan);
}

/* Index: JSON */

static void
test_entity_json (void)
{
  const char * const names[] = { "香河县", "天津港", "xb_tongzhou_beisan", "白洋淀" };

  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      AtlasEntity *e = entity (names[k]);
      g_autofree char *json = atlas_entity_to_json (plan_index, e);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) members = atlas_plan_index_memberships (plan_index, e);
      JsonObject *root, *ent;
      guint roles = 0;

      g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_has_member (root, "entity"));
      g_assert_true (json_object_has_member (root, "memberships"));
      g_assert_true (json_object_has_member (root, "role"));
      g_assert_true (json_object_has_member (root, "mentions"));

      ent = json_object_get_object_member (root, "entity");
      g_assert_cmpstr (json_object_get_string_member (ent, "id"), ==, e->id);
      g_assert_cmpstr (json_object_get_string_member (ent, "name_zh"), ==, e->name_zh);
      g_assert_cmpstr (json_object_get_string_member (ent, "kind"), ==,
                       atlas_entity_kind_to_string (e->kind));

      for (guint i = 0; i < e->mentions->len; i++)
        roles += mention (i, e)->role;
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "memberships")), ==,
                        members->len);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "role")), ==, roles);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "mentions")), ==,
                        e->mentions->len - roles);
    }
}

/* Rebuilding (its time is measured by capital-atlas-bench index, not here) */

/* A holder's reference keeps the data and the index alive after their
 * loader lets go of them. */
static void
test_refcount (void)
{
  g_autoptr(GError) error = NULL;
  AtlasData *loaded = atlas_data_load (NULL, FALSE);
  AtlasPlanIndex *built = atlas_plan_index_new (loaded, NULL, &error);
  AtlasData *held_data;
  AtlasPlanIndex *held_index;
  AtlasEntity *e;

  g_assert_no_error (error);
  held_data = atlas_data_ref (loaded);
  held_index = atlas_plan_index_ref (built);
  g_assert_true (held_data == loaded);
  g_assert_true (held_index == built);
  atlas_plan_index_unref (built);
  atlas_data_unref (loaded);

  g_assert_false (atlas_basemap_is_empty (held_data->basemap));
  g_assert_nonnull (held_data->plan);
  e = atlas_plan_index_lookup (held_index, "香河县");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->name_zh, ==, "香河县");
  atlas_plan_index_unref (held_index);
  atlas_data_unref (held_data);
}

/* A second index over the same data is the same: every feature, place and
 * county says the same, and searches find the same, so the index depends
 * on nothing but its input. */
static void
test_index_rebuild (void)
{
  g_autoptr(GBytes) aliases = g_resources_lookup_data (ALIASES_RESOURCE, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasPlanIndex) index = atlas_plan_index_new (data, aliases, &error);
  GPtrArray *features = atlas_overlays_get_features (data->overlays);
  const char *names[] = { "香河县", "雄安新区", "北京城市副中心", "津雄保", "石家庄市", "110101", "大兴国际机场" };
  const char *queries[] = { "2035", "生态", "通勤圈", "香河", "交通" };
  guint compared = 0;

  g_assert_no_error (error);
  g_assert_nonnull (index);
  for (guint i = 0; i < features->len + G_N_ELEMENTS (names); i++)
    {
      AtlasEntity *a, *b;
      g_autofree char *ja = NULL;
      g_autofree char *jb = NULL;

      if (i < features->len)
        {
          a = atlas_plan_index_get_feature (plan_index, features->pdata[i]);
          b = atlas_plan_index_get_feature (index, features->pdata[i]);
        }
      else
        {
          a = atlas_plan_index_lookup (plan_index, names[i - features->len]);
          b = atlas_plan_index_lookup (index, names[i - features->len]);
        }
      g_assert_true ((a == NULL) == (b == NULL));
      if (a == NULL)
        continue;
      ja = atlas_entity_to_json (plan_index, a);
      jb = atlas_entity_to_json (index, b);
      g_assert_cmpstr (ja, ==, jb);
      compared++;
    }
  g_assert_cmpuint (compared, >, features->len);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GArray) ra = atlas_plan_index_search (plan_index, queries[q], 50);
      g_autoptr(GArray) rb = atlas_plan_index_search (index, queries[q], 50);
      g_autofree char *ja = atlas_search_results_to_json (ra);
      g_autofree char *jb = atlas_search_results_to_json (rb);

      g_assert_cmpuint (ra->len, >, 0);
      g_assert_cmpstr (ja, ==, jb);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GBytes) aliases = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  data = atlas_test_load_data ();
  g_assert_nonnull (data->plan);

  aliases = g_resources_lookup_data (ALIASES_RESOURCE, 0, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  plan_index = atlas_plan_index_new (data, aliases, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan_index);
  g_printerr ("# atlas_plan_index_new: %.1f ms\n", (g_get_monotonic_time () - start) / 1000.0);

  g_test_add_func ("/atlas/plan/title", test_title);
  g_test_add_func ("/atlas/plan/structure/chapters", test_chapters);
  g_test_add_func ("/atlas/plan/structure/sections", test_sections_follow_toc);
  g_test_add_func ("/atlas/plan/structure/hierarchy", test_hierarchy);
  g_test_add_func ("/atlas/plan/structure/ids-unique", test_ids_unique);
  g_test_add_func ("/atlas/plan/structure/preface", test_preface);
  g_test_add_func ("/atlas/plan/structure/figures", test_figures);
  g_test_add_func ("/atlas/plan/structure/approval", test_approval);
  g_test_add_func ("/atlas/plan/page-breaks/known", test_page_breaks_known);
  g_test_add_func ("/atlas/plan/page-breaks/heuristic", test_page_breaks_heuristic);
  g_test_add_func ("/atlas/plan/lookup", test_lookup);
  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/atlas/plan/broken/%s", broken_cases[i].name);
      g_test_add_data_func (path, &broken_cases[i], test_broken);
    }
  g_test_add_data_func ("/atlas/plan/broken/empty", "plan", test_empty_file);
  g_test_add_data_func ("/atlas/plan/broken/empty-aliases", "aliases", test_empty_file);
  g_test_add_func ("/atlas/plan/broken/aliases", test_broken_aliases);
  g_test_add_func ("/atlas/plan/valid-minimal", test_valid_minimal);
  g_test_add_func ("/atlas/plan/index/mentions-consistent", test_mentions_consistent);
  g_test_add_func ("/atlas/plan/index/xianghe", test_xianghe);
  g_test_add_func ("/atlas/plan/index/tianjin-port", test_tianjin_port);
  g_test_add_func ("/atlas/plan/index/dingxing", test_dingxing);
  g_test_add_func ("/atlas/plan/index/daxing-not-airport", test_daxing_not_airport);
  g_test_add_func ("/atlas/plan/index/hebei-district", test_hebei_district);
  g_test_add_func ("/atlas/plan/index/short-name-traps", test_short_name_traps);
  g_test_add_func ("/atlas/plan/index/role/plain-new-towns", test_role_plain_new_towns);
  g_test_add_func ("/atlas/plan/index/role/eco-conservation", test_role_eco_conservation);
  g_test_add_func ("/atlas/plan/index/role/feature", test_role_feature);
  g_test_add_func ("/atlas/plan/index/alias/beisan", test_alias_beisan);
  g_test_add_func ("/atlas/plan/index/alias/too-broad", test_alias_too_broad);
  g_test_add_func ("/atlas/plan/index/search/baiyangdian", test_search_baiyangdian);
  g_test_add_func ("/atlas/plan/index/search/limit", test_search_limit);
  g_test_add_func ("/atlas/plan/index/search/empty", test_search_empty);
  g_test_add_func ("/atlas/plan/index/search/english", test_search_english);
  g_test_add_func ("/atlas/plan/index/search/sorted", test_search_sorted);
  g_test_add_func ("/atlas/plan/index/features-citing", test_features_citing);
  g_test_add_func ("/atlas/plan/index/entity-json", test_entity_json);
  g_test_add_func ("/atlas/plan/index/rebuild", test_index_rebuild);
  g_test_add_func ("/atlas/plan/index/refcount", test_refcount);

  g_test_add_func ("/atlas/plan/missing-file", test_missing_file);

  status = g_test_run ();
  atlas_plan_index_unref (plan_index);
  atlas_data_unref (data);
  return status;
}
