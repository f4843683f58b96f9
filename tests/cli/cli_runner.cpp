#include "cli_runner.h"

#include <QProcess>
#include <QtTest>

namespace bnflow::test {

namespace {

Run finish(QProcess& process, int timeoutMs)
{
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

}  // namespace

Run runCli(const QStringList& args, int timeoutMs)
{
    QProcess process;
    process.start(QStringLiteral(BNFLOW_CLI), args);
    return finish(process, timeoutMs);
}

Run runCliWithInput(const QStringList& args, const QByteArray& input)
{
    QProcess process;
    process.start(QStringLiteral(BNFLOW_CLI), args);
    process.write(input);
    process.closeWriteChannel();
    return finish(process, 120000);
}

Run runCliRedirected(const QString& redirection, const QStringList& args)
{
    QProcess process;
    process.start(QStringLiteral("/bin/sh"),
                  QStringList{QStringLiteral("-c"), QStringLiteral("exec \"$0\" \"$@\" ") + redirection,
                              QStringLiteral(BNFLOW_CLI)} + args);
    return finish(process, 120000);
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
