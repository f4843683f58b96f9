// Replays the seed corpora and every input a fuzzer ever flagged (tests/fuzz/regressions)
// through the fuzzers' checks, in the normal build: a fixed finding stays fixed.
#include "fuzz_checks.h"

#include <QDirIterator>
#include <QFile>
#include <QtTest>

class TestFuzzRegressions : public QObject {
    Q_OBJECT
private slots:
    void replay_data();
    void replay();
};

void TestFuzzRegressions::replay_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    int files = 0;
    for (const char* root : {BNFLOW_FUZZ_DIR "/corpus", BNFLOW_FUZZ_DIR "/regressions"}) {
        for (const char* kind : {"session", "table", "npy", "exercise", "network"}) {
            QDirIterator it(QStringLiteral("%1/%2").arg(root, kind), QDir::Files);
            while (it.hasNext()) {
                const QString path = it.next();
                QTest::addRow("%s %s", kind, qPrintable(it.fileName())) << QString(kind) << path;
                ++files;
            }
        }
    }
    if (files < 10)
        qFatal("the fuzz corpora are missing (%d files)", files);
}

void TestFuzzRegressions::replay()
{
    QFETCH(QString, kind);
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.constData());
    if (kind == "session")
        bnflow::fuzz::checkSession(data, std::size_t(bytes.size()));
    else if (kind == "table")
        bnflow::fuzz::checkTable(data, std::size_t(bytes.size()));
    else if (kind == "exercise")
        bnflow::fuzz::checkExercise(data, std::size_t(bytes.size()));
    else if (kind == "network")
        bnflow::fuzz::checkNetwork(data, std::size_t(bytes.size()));
    else
        bnflow::fuzz::checkNpy(data, std::size_t(bytes.size()));
}

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "test_fuzz_regressions.moc"
