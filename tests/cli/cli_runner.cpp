#include "cli_runner.h"

#include <QProcess>
#include <QtTest>

namespace bnflow::test {

Run runCli(const QStringList& args, int timeoutMs)
{
    QProcess process;
    process.start(QStringLiteral(BNFLOW_CLI), args);
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

void expectBadInput(const Run& run, const QStringList& fragments)
{
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.out.isEmpty(), run.out.constData());
    QVERIFY2(run.err.endsWith('\n') && run.err.count('\n') == 1, run.err.constData());
    for (const QString& fragment : fragments)
        QVERIFY2(run.err.contains(fragment.toUtf8()),
                 qPrintable(QStringLiteral("'%1' not in: %2").arg(fragment, run.err)));
}

}  // namespace bnflow::test
