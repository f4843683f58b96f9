// Session edits: shape edits keep x, gamma, beta and dout consistent and move the right cells;
// paste and replace; and every refusal names its limit. Randomize and the dout presets are in
// test_session_presets.cpp.
#include "fuzzy.h"
#include "labelled_session.h"

#include <core/math/analysis.h>
#include <core/model/session_edit.h>

#include <QtTest>

using namespace bnflow;
using namespace bnflow::test;

Q_DECLARE_METATYPE(bnflow::Matrix)

namespace {

using Index = Eigen::Index;

enum class Edit { InsertSamples, RemoveSamples, InsertFeatures, RemoveFeatures };

std::optional<Session> applyEdit(Edit edit, const Session& s, Index at, Index count,
                                 std::string* error)
{
    switch (edit) {
    case Edit::InsertSamples: return insertSamples(s, at, count, error);
    case Edit::RemoveSamples: return removeSamples(s, at, count, error);
    case Edit::InsertFeatures: return insertFeatures(s, at, count, error);
    case Edit::RemoveFeatures: return removeFeatures(s, at, count, error);
    }
    return std::nullopt;
}

// Where index k of the edited axis came from: its old index, or -1 for a new one.
Index sourceIndex(Index k, bool insert, Index at, Index count)
{
    if (k < at)
        return k;
    if (insert)
        return k < at + count ? -1 : k - count;
    return k + count;
}

// Where index k came from when the old top-left corner is kept: k itself, or -1 past the old edge.
Index keptIndex(Index k, Index oldSize)
{
    return k < oldSize ? k : -1;
}

// What an edit should give: each cell from `before` through the index maps (-1: a new cell), new
// cells filled (x, beta and a typed dout 0, gamma 1), a seeded dout drawn again for the shape.
template <typename RowMap, typename ColMap>
Session expectedSession(const Session& before, Index rows, Index cols,
                        std::optional<std::uint64_t> seed, RowMap rowFrom, ColMap colFrom)
{
    Session e = before;
    e.x = Matrix::Zero(rows, cols);
    e.dout = Matrix::Zero(rows, cols);
    e.gamma = RowVector::Ones(cols);
    e.beta = RowVector::Zero(cols);
    for (Index j = 0; j < cols; ++j) {
        const Index oj = colFrom(j);
        if (oj < 0)
            continue;
        e.gamma[j] = before.gamma[oj];
        e.beta[j] = before.beta[oj];
        for (Index i = 0; i < rows; ++i) {
            if (const Index oi = rowFrom(i); oi >= 0) {
                e.x(i, j) = before.x(oi, oj);
                e.dout(i, j) = before.dout(oi, oj);
            }
        }
    }
    e.doutSeed = seed;
    if (seed)
        e.dout = standardNormalMatrix(rows, cols, *seed);
    return e;
}

// Exact: an edit copies numbers, it never computes them.
void compareSessions(const Session& actual, const Session& expected)
{
    QVERIFY2(actual.validate().empty(), problemsText(actual).c_str());
    QCOMPARE(actual.x, expected.x);
    QCOMPARE(actual.gamma, expected.gamma);
    QCOMPARE(actual.beta, expected.beta);
    QCOMPARE(actual.dout, expected.dout);
    QCOMPARE(actual.doutSeed, expected.doutSeed);
    QCOMPARE(actual.eps, expected.eps);
    QCOMPARE(actual.title, expected.title);
    QCOMPARE(actual.notes, expected.notes);
    QVERIFY(actual.extraFields == expected.extraFields);
}

}  // namespace

class TestSessionEdit : public QObject {
    Q_OBJECT
private slots:
    void shapeEdits_data();
    void shapeEdits();
    void shapeEditErrors_data();
    void shapeEditErrors();
    void errorPointerMayBeNull();
    void checkEditableShape_data();
    void checkEditableShape();
    void pasteBlock_data();
    void pasteBlock();
    void pasteErrors_data();
    void pasteErrors();
    void replaceBatch_data();
    void replaceBatch();
    void replaceBatchErrors();
};

void TestSessionEdit::shapeEdits_data()
{
    QTest::addColumn<int>("edit");
    QTest::addColumn<int>("at");
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("seeded");
    struct Row {
        Edit edit;
        const char* name;
        int at;
        int count;
    };
    // The batch is 5 x 4.
    const Row rows[] = {
        {Edit::InsertSamples, "insert 2 samples at the start", 0, 2},
        {Edit::InsertSamples, "insert 2 samples in the middle", 2, 2},
        {Edit::InsertSamples, "insert 2 samples at the end", 5, 2},
        {Edit::RemoveSamples, "remove 2 samples at the start", 0, 2},
        {Edit::RemoveSamples, "remove 2 samples in the middle", 1, 2},
        {Edit::RemoveSamples, "remove 2 samples at the end", 3, 2},
        {Edit::InsertFeatures, "insert 3 features at the start", 0, 3},
        {Edit::InsertFeatures, "insert 1 feature in the middle", 2, 1},
        {Edit::InsertFeatures, "insert 3 features at the end", 4, 3},
        {Edit::RemoveFeatures, "remove 1 feature at the start", 0, 1},
        {Edit::RemoveFeatures, "remove 2 features in the middle", 1, 2},
        {Edit::RemoveFeatures, "remove 3 features at the end", 1, 3},
    };
    for (const Row& row : rows) {
        for (const bool seeded : {false, true}) {
            const std::string name =
                std::string(row.name) + (seeded ? ", seeded dout" : ", typed dout");
            QTest::newRow(name.c_str()) << int(row.edit) << row.at << row.count << seeded;
        }
    }
}

void TestSessionEdit::shapeEdits()
{
    QFETCH(int, edit);
    QFETCH(int, at);
    QFETCH(int, count);
    QFETCH(bool, seeded);
    const Session before = labelledSession(5, 4, seeded);
    std::string error;
    const auto after = applyEdit(Edit(edit), before, at, count, &error);
    QVERIFY2(after.has_value(), error.c_str());
    QVERIFY(error.empty());

    const bool onSamples = Edit(edit) == Edit::InsertSamples || Edit(edit) == Edit::RemoveSamples;
    const bool insert = Edit(edit) == Edit::InsertSamples || Edit(edit) == Edit::InsertFeatures;
    const Index delta = insert ? count : -count;
    QCOMPARE(after->samples(), before.samples() + (onSamples ? delta : 0));
    QCOMPARE(after->features(), before.features() + (onSamples ? 0 : delta));

    const auto moved = [&](Index k) { return sourceIndex(k, insert, at, count); };
    const auto same = [](Index k) { return k; };
    const Index rows = after->samples();
    const Index cols = after->features();
    if (onSamples)
        compareSessions(*after, expectedSession(before, rows, cols, before.doutSeed, moved, same));
    else
        compareSessions(*after, expectedSession(before, rows, cols, before.doutSeed, same, moved));
}

void TestSessionEdit::shapeEditErrors_data()
{
    QTest::addColumn<int>("edit");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("features");
    QTest::addColumn<int>("at");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("message");
    const auto row = [](const char* name, Edit edit, int n, int d, int at, int count,
                        const char* message) {
        QTest::newRow(name) << int(edit) << n << d << at << count << QString(message);
    };
    row("insert samples before the start", Edit::InsertSamples, 5, 4, -1, 1,
        "cannot insert at sample -1: expected a position from 0 to 5 (the batch has 5 samples)");
    row("insert samples past the end", Edit::InsertSamples, 5, 4, 6, 1,
        "expected a position from 0 to 5");
    row("insert zero samples", Edit::InsertSamples, 5, 4, 0, 0,
        "cannot insert 0 samples: expected a count of at least 1");
    row("insert features past the end", Edit::InsertFeatures, 5, 4, 5, 1,
        "cannot insert at feature 5: expected a position from 0 to 4");
    row("remove samples past the end", Edit::RemoveSamples, 5, 4, 4, 2,
        "cannot remove 2 samples from sample 4: the batch has 5 samples, numbered from 0");
    row("remove a feature before the start", Edit::RemoveFeatures, 5, 4, -1, 1,
        "cannot remove 1 feature from feature -1: the batch has 4 features");
    row("remove a negative count", Edit::RemoveFeatures, 5, 4, 0, -2,
        "expected a count of at least 1");
    row("remove every sample", Edit::RemoveSamples, 5, 4, 0, 5,
        "cannot remove all 5 samples: a batch needs at least 1 sample");
    row("remove the last sample", Edit::RemoveSamples, 1, 4, 0, 1,
        "cannot remove all 1 sample: a batch needs at least 1 sample");
    row("remove the last feature", Edit::RemoveFeatures, 5, 1, 0, 1,
        "cannot remove all 1 feature: a batch needs at least 1 feature");
    row("insert samples beyond 256", Edit::InsertSamples, 250, 4, 250, 7,
        "257 x 4 is too large to edit: at most 256 samples and 32 features");
    row("insert a feature beyond 32", Edit::InsertFeatures, 5, 32, 0, 1,
        "5 x 33 is too large to edit: at most 256 samples and 32 features");
    row("insert a huge count of samples", Edit::InsertSamples, 5, 4, 0, 2'000'000'000,
        "cannot insert 2000000000 samples: at most 256 samples fit");
    row("remove from a batch still too large", Edit::RemoveSamples, 300, 4, 0, 1,
        "299 x 4 is too large to edit: at most 256 samples");
}

void TestSessionEdit::shapeEditErrors()
{
    QFETCH(int, edit);
    QFETCH(int, samples);
    QFETCH(int, features);
    QFETCH(int, at);
    QFETCH(int, count);
    QFETCH(QString, message);
    std::string error = "untouched";
    const auto after = applyEdit(Edit(edit), labelledSession(samples, features, false), at, count,
                                 &error);
    QVERIFY(!after.has_value());
    QVERIFY2(QString::fromStdString(error).contains(message), error.c_str());
    QVERIFY(error.find('\n') == std::string::npos);
}

void TestSessionEdit::errorPointerMayBeNull()
{
    const Session s = labelledSession(2, 2, true);
    QVERIFY(!insertSamples(s, 9, 1, nullptr).has_value());
    QVERIFY(!bnflow::pasteBlock(s, Which::X, 0, 0, Matrix(), nullptr).has_value());
    QVERIFY(!bnflow::replaceBatch(s, Matrix(), nullptr).has_value());
}

void TestSessionEdit::checkEditableShape_data()
{
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("features");
    QTest::addColumn<QString>("message");
    QTest::newRow("one cell") << 1 << 1 << "";
    QTest::newRow("the largest") << 256 << 32 << "";
    QTest::newRow("one sample too many")
        << 257 << 32 << "257 x 32 is too large to edit: at most 256 samples and 32 features";
    QTest::newRow("one feature too many")
        << 4 << 33 << "4 x 33 is too large to edit: at most 256 samples and 32 features";
    QTest::newRow("no samples")
        << 0 << 4 << "0 x 4 is empty: a batch needs at least 1 sample and 1 feature";
    QTest::newRow("no features")
        << 3 << 0 << "3 x 0 is empty: a batch needs at least 1 sample and 1 feature";
}

void TestSessionEdit::checkEditableShape()
{
    QFETCH(int, samples);
    QFETCH(int, features);
    QFETCH(QString, message);
    QCOMPARE(QString::fromStdString(bnflow::checkEditableShape(samples, features)), message);
}

void TestSessionEdit::pasteBlock_data()
{
    QTest::addColumn<bool>("intoDout");
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("col");
    QTest::addColumn<int>("blockRows");
    QTest::addColumn<int>("blockCols");
    QTest::addColumn<bool>("seeded");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("features");
    // The batch is 5 x 4.
    QTest::newRow("x inside") << false << 1 << 1 << 2 << 2 << true << 5 << 4;
    QTest::newRow("x one cell at the corner") << false << 4 << 3 << 1 << 1 << false << 5 << 4;
    QTest::newRow("x at the corner grows, typed dout padded")
        << false << 4 << 3 << 3 << 2 << false << 7 << 5;
    QTest::newRow("x at the corner grows, seeded dout redrawn")
        << false << 4 << 3 << 3 << 2 << true << 7 << 5;
    QTest::newRow("x just below the last row") << false << 5 << 0 << 1 << 4 << true << 6 << 4;
    QTest::newRow("x to the full limit") << false << 0 << 0 << 256 << 32 << false << 256 << 32;
    QTest::newRow("dout inside clears the seed") << true << 0 << 0 << 2 << 2 << true << 5 << 4;
    QTest::newRow("dout at the edge grows, seeded values kept")
        << true << 3 << 2 << 3 << 3 << true << 6 << 5;
    QTest::newRow("dout at the edge grows, typed") << true << 3 << 2 << 3 << 3 << false << 6 << 5;
}

void TestSessionEdit::pasteBlock()
{
    QFETCH(bool, intoDout);
    QFETCH(int, row);
    QFETCH(int, col);
    QFETCH(int, blockRows);
    QFETCH(int, blockCols);
    QFETCH(bool, seeded);
    QFETCH(int, samples);
    QFETCH(int, features);
    const Session before = labelledSession(5, 4, seeded);
    Matrix block(blockRows, blockCols);
    for (Index i = 0; i < blockRows; ++i)
        for (Index j = 0; j < blockCols; ++j)
            block(i, j) = 1000.0 + 10.0 * double(i) + double(j);

    std::string error;
    const Which which = intoDout ? Which::Dout : Which::X;
    const auto after = bnflow::pasteBlock(before, which, row, col, block, &error);
    QVERIFY2(after.has_value(), error.c_str());
    QCOMPARE(after->samples(), Index(samples));
    QCOMPARE(after->features(), Index(features));

    // Grown like a shape edit (a dout pasted into is typed first), then the block written.
    const std::optional<std::uint64_t> seed = intoDout ? std::nullopt : before.doutSeed;
    Session expected = expectedSession(before, samples, features, seed,
                                       [](Index i) { return keptIndex(i, 5); },
                                       [](Index j) { return keptIndex(j, 4); });
    (intoDout ? expected.dout : expected.x).block(row, col, blockRows, blockCols) = block;
    compareSessions(*after, expected);
}

void TestSessionEdit::pasteErrors_data()
{
    QTest::addColumn<bool>("intoDout");
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("col");
    QTest::addColumn<Matrix>("block");
    QTest::addColumn<QString>("message");
    const Matrix one = Matrix::Ones(1, 1);
    // The batch is 5 x 4.
    QTest::newRow("past the sample limit")
        << false << 5 << 0 << Matrix(Matrix::Ones(252, 1))
        << "257 x 4 is too large to edit: at most 256 samples and 32 features";
    QTest::newRow("past the feature limit")
        << true << 0 << 3 << Matrix(Matrix::Ones(1, 30))
        << "5 x 33 is too large to edit: at most 256 samples and 32 features";
    QTest::newRow("corner below the batch")
        << false << 6 << 0 << one
        << "cannot paste at x[6][0]: expected a cell of the 5 x 4 batch or one just past its edge";
    QTest::newRow("negative column") << true << 0 << -1 << one << "cannot paste at dout[0][-1]";
    QTest::newRow("empty block") << false << 0 << 0 << Matrix(0, 3)
                                 << "the block to paste is empty; expected at least one number";
    Matrix nan = Matrix::Ones(2, 2);
    nan(1, 0) = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("not finite")
        << false << 0 << 0 << nan
        << "block[1][0] is not a finite number; expected only finite numbers in x";
}

void TestSessionEdit::pasteErrors()
{
    QFETCH(bool, intoDout);
    QFETCH(int, row);
    QFETCH(int, col);
    QFETCH(Matrix, block);
    QFETCH(QString, message);
    std::string error;
    const Which which = intoDout ? Which::Dout : Which::X;
    const auto after =
        bnflow::pasteBlock(labelledSession(5, 4, true), which, row, col, block, &error);
    QVERIFY(!after.has_value());
    QVERIFY2(QString::fromStdString(error).contains(message), error.c_str());
}

void TestSessionEdit::replaceBatch_data()
{
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("features");
    QTest::addColumn<bool>("seeded");
    QTest::newRow("same shape, typed dout") << 5 << 4 << false;
    QTest::newRow("fewer features, typed dout") << 3 << 2 << false;
    QTest::newRow("more samples and features, typed dout padded") << 7 << 6 << false;
    QTest::newRow("more samples and features, seeded dout redrawn") << 7 << 6 << true;
    QTest::newRow("one column, seeded dout redrawn") << 9 << 1 << true;
}

void TestSessionEdit::replaceBatch()
{
    QFETCH(int, samples);
    QFETCH(int, features);
    QFETCH(bool, seeded);
    const Session before = labelledSession(5, 4, seeded);
    const Matrix batch = standardNormalMatrix(samples, features, 99);
    std::string error;
    const auto after = bnflow::replaceBatch(before, batch, &error);
    QVERIFY2(after.has_value(), error.c_str());
    Session expected = expectedSession(before, samples, features, before.doutSeed,
                                       [](Index i) { return keptIndex(i, 5); },
                                       [](Index j) { return keptIndex(j, 4); });
    expected.x = batch;
    compareSessions(*after, expected);
}

void TestSessionEdit::replaceBatchErrors()
{
    std::string error;
    QVERIFY(!bnflow::replaceBatch(labelledSession(5, 4, true), Matrix::Ones(300, 2), &error));
    QCOMPARE(error,
             std::string("300 x 2 is too large to edit: at most 256 samples and 32 features"));
    QVERIFY(!bnflow::replaceBatch(labelledSession(5, 4, true), Matrix(0, 3), &error));
    QCOMPARE(error, std::string("0 x 3 is empty: a batch needs at least 1 sample and 1 feature"));
}

QTEST_GUILESS_MAIN(TestSessionEdit)
#include "test_session_edit.moc"
