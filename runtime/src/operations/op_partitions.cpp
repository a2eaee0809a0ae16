// op.attach_partition / op.detach_partition: PostgreSQL's ALTER TABLE ...
// ATTACH|DETACH PARTITION (create_table's partition options: op.cpp).
#include "operations/operations.hpp"

namespace retort {

using namespace detail;

void Op::attach_partition(StringRef parent, StringRef partition, StringRef bounds, SchemaOptions options, Line line) {
  perform(*sink_, describe("attach_partition", {owned(parent), owned(partition)}), line.value,
          [&](const DdlDialect& ddl) {
            QualifiedName table = qualified_name(options.schema, parent, "partitioned table", schema_hint);
            QualifiedName part = qualified_name(options.schema, partition, "partition", schema_hint);
            return ddl.attach_partition(table, part.name, owned(bounds));
          });
}

void Op::detach_partition(StringRef parent, StringRef partition, SchemaOptions options, Line line) {
  perform(*sink_, describe("detach_partition", {owned(parent), owned(partition)}), line.value,
          [&](const DdlDialect& ddl) {
            QualifiedName table = qualified_name(options.schema, parent, "partitioned table", schema_hint);
            QualifiedName part = qualified_name(options.schema, partition, "partition", schema_hint);
            return ddl.detach_partition(table, part.name);
          });
}

}  // namespace retort
