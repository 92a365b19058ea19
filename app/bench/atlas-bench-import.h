/* atlas-bench-import.h — capital-atlas-bench import */
#pragma once

int atlas_bench_import (void);
