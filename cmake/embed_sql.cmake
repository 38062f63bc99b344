# Writes OUT: a C++ source holding the SQL files FILES as migrations, in order.
# FILES arrives joined with "|" (see duban_embed_sql).
string(REPLACE "|" ";" FILES "${FILES}")
set(body "")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME_WE)
  string(REGEX MATCH "^[0-9]+" version ${name})
  math(EXPR version "${version} + 0")
  file(READ ${f} sql)
  string(APPEND body "      {${version}, \"${name}\", R\"duban_sql(${sql})duban_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from the migrations folder; do not edit.\n#include \"common/db/migrate.h\"\n\nnamespace ${NS} {\n\nconst std::vector<duban::db::Migration>& Migrations() {\n  static const auto* migrations = new std::vector<duban::db::Migration>{\n${body}  };\n  return *migrations;\n}\n\n}  // namespace ${NS}\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
