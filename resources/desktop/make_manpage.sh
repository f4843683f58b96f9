#!/usr/bin/env bash
# make_manpage.sh BNFLOW_CLI > bnflow-cli.1
# The man page of bnflow-cli, written from the program's own --help texts (the top level and
# every command's), so that the page never drifts from what the program says.
set -euo pipefail
cli=$1

# Verbatim text for roff: backslashes escaped, minus signs as \-, no line read as a request.
verbatim() {
  printf '.nf\n'
  sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  printf '.fi\n'
}

version=$("$cli" --version)
commands=$("$cli" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')

cat <<HEADER
.TH BNFLOW\\-CLI 1 "" "$version" "User Commands"
.SH NAME
bnflow\\-cli \\- the batch normalization engine of bnflow, headless
.SH SYNOPSIS
.B bnflow\\-cli
.I COMMAND
[\\fIOPTIONS\\fR]
.SH DESCRIPTION
HEADER
"$cli" --help | verbatim
printf '.SH COMMANDS\n'
for command in $commands; do
  printf '.SS %s\n' "$command"
  "$cli" "$command" --help | verbatim
done
cat <<'FOOTER'
.SH SEE ALSO
.BR bnflow (1)
is the graphical application; the session file format and the JSON output are described in its
README.
FOOTER
