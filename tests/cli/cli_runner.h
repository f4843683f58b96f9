// Running the built bnflow-cli and checking the contract for bad input. Shared by the CLI suites.
#pragma once

#include <QByteArray>
#include <QStringList>

namespace bnflow::test {

struct Run {
    int exitCode = -1;  // -1: timed out, -2: crashed
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList& args, int timeoutMs = 120000);

// The same with `input` on standard input.
Run runCliWithInput(const QStringList& args, const QByteArray& input);

// Through /bin/sh with a redirection of stdout, e.g. ">/dev/full" or ">&-" (closed).
Run runCliRedirected(const QString& redirection, const QStringList& args);

// Exit 2, nothing on stdout, exactly one line on stderr containing every fragment. Reports
// through QTest; check QTest::currentTestFailed() afterwards if it matters.
void expectBadInput(const Run& run, const QStringList& fragments);

}  // namespace bnflow::test
