# Read the acftu-discourse tables in R with the types of datapackage.json.
#
#   source("R/read_package.R")
#   articles <- read_acftu("articles")            # a tibble; published is a Date
#   figures  <- read_acftu("figures", root = "path/to/acftu-discourse")
#   all      <- read_acftu_all()                  # named list of every table
#
# Needs the readr and jsonlite packages (Debian: r-cran-readr r-cran-jsonlite; or
# install.packages(c("readr", "jsonlite"))). The column types are built from each
# resource's Table Schema in the descriptor:
#
#   string            -> character
#   string with enum  -> factor, levels = the vocabulary in its documented order
#   integer           -> integer (32-bit: every integer column is a count, a position or
#                        a character offset within one article, far below 2^31; a value
#                        that did not fit would be a parsing problem and stop the read)
#   number            -> double
#   boolean           -> logical
#   date              -> Date (ISO 8601, YYYY-MM-DD)
#   array             -> character holding a JSON array, e.g. entities$aliases;
#                        jsonlite::fromJSON(x) turns one into a character vector
#
# Missing values are the descriptor's missingValues (the empty cell). The CSV dialect
# (delimiter, quote character, doubled quotes, header) is read from the descriptor too.
#
# The frictionless R package reads the same descriptor: frictionless::read_package(
# "datapackage.json") then frictionless::read_resource(package, "articles") gives the
# same columns, except that frictionless reads integers as doubles.

read_acftu_descriptor <- function(root = ".") {
  path <- file.path(root, "datapackage.json")
  if (!file.exists(path)) {
    stop("no datapackage.json in ", normalizePath(root, mustWork = FALSE),
         ": pass root = the package folder", call. = FALSE)
  }
  jsonlite::fromJSON(path, simplifyVector = FALSE)
}

acftu_tables <- function(root = ".") {
  vapply(read_acftu_descriptor(root)$resources, function(r) r$name, character(1))
}

acftu_col_types <- function(schema) {
  collectors <- lapply(schema$fields, function(field) {
    enum <- unlist(field$constraints$enum)
    if (length(enum) > 0) {
      return(readr::col_factor(levels = enum))
    }
    switch(field$type,
      string = readr::col_character(),
      integer = readr::col_integer(),
      number = readr::col_double(),
      boolean = readr::col_logical(),
      date = readr::col_date(format = "%Y-%m-%d"),
      array = readr::col_character(),
      stop("read_acftu: field ", field$name, " has a type this script does not know: ",
           field$type, call. = FALSE)
    )
  })
  names(collectors) <- vapply(schema$fields, function(f) f$name, character(1))
  do.call(readr::cols, collectors)
}

read_acftu <- function(table, root = ".") {
  descriptor <- read_acftu_descriptor(root)
  names <- vapply(descriptor$resources, function(r) r$name, character(1))
  if (!table %in% names) {
    stop("no table '", table, "' in datapackage.json; tables: ",
         paste(names, collapse = ", "), call. = FALSE)
  }
  resource <- descriptor$resources[[match(table, names)]]
  dialect <- resource$dialect
  missing <- unlist(resource$schema$missingValues)
  data <- readr::read_delim(
    file.path(root, resource$path),
    delim = if (is.null(dialect$delimiter)) "," else dialect$delimiter,
    quote = if (is.null(dialect$quoteChar)) "\"" else dialect$quoteChar,
    escape_double = if (is.null(dialect$doubleQuote)) TRUE else isTRUE(dialect$doubleQuote),
    col_names = TRUE,
    col_types = acftu_col_types(resource$schema),
    na = if (is.null(missing)) "" else missing,
    locale = readr::locale(encoding = if (is.null(resource$encoding)) "UTF-8" else resource$encoding),
    trim_ws = FALSE,
    progress = FALSE
  )
  problems <- readr::problems(data)
  if (nrow(problems) > 0) {
    first <- problems[1, ]
    stop(resource$path, ": ", nrow(problems), " value(s) do not fit the descriptor's types; ",
         "first at row ", first$row, " of the file (the header is row 1), column ", first$col, ": expected ", first$expected,
         ", got '", first$actual, "'", call. = FALSE)
  }
  expected <- vapply(resource$schema$fields, function(f) f$name, character(1))
  if (!identical(names(data), expected)) {
    stop(resource$path, ": columns differ from the descriptor's", call. = FALSE)
  }
  data
}

read_acftu_all <- function(root = ".") {
  tables <- acftu_tables(root)
  stats::setNames(lapply(tables, read_acftu, root = root), tables)
}
