// Tables as text: CSV files and clipboard blocks in (every dialect spreadsheets write, and every
// kind of bad input, with its line and column), the clipboard block and the results CSV out.
#include <core/io/csv.h>
#include <core/model/session.h>

#include <QtTest>

#include <charconv>
#include <cstring>
#include <sstream>

using namespace bnflow;

Q_DECLARE_METATYPE(bnflow::Matrix)

namespace {

Matrix rows(std::initializer_list<std::initializer_list<double>> values)
{
    return Matrix(values);
}

// count lines of `line`, each ended by "\n".
std::string repeatLine(const std::string& line, int count)
{
    std::string text;
    text.reserve(std::size_t(count) * (line.size() + 1));
    for (int k = 0; k < count; ++k)
        text += line + "\n";
    return text;
}

// One line of count fields "1", joined by separator.
std::string wideLine(int count, char separator)
{
    std::string line = "1";
    for (int k = 1; k < count; ++k)
        line += std::string(1, separator) + "1";
    return line;
}

std::string_view view(const QByteArray& bytes)
{
    return {bytes.constData(), std::size_t(bytes.size())};
}

bool sameBits(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), sizeof(double) * std::size_t(a.size())) == 0;
}

std::vector<std::string> splitLines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

}  // namespace

class TestCsv : public QObject {
    Q_OBJECT
private slots:
    void parses_data();
    void parses();
    void problems_data();
    void problems();
    void millionLinesStopAtTheRowLimit();
    void entryCapStopsAtTheRowThatPassesIt();
    void formatTableIsClipboardText();
    void roundTripIsBitExact_data();
    void roundTripIsBitExact();
    void resultsCsvOneSample();
    void trailingBlankLinesAreFine();
    void resultsCsvLines_data();
    void resultsCsvLines();
    void resultsCsvParsesBackExactly();
};

void TestCsv::parses_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Matrix>("expected");
    QTest::addColumn<bool>("header");
    const Matrix twoByTwo = rows({{1, 2}, {3, 4}});
    QTest::newRow("tab separated") << QByteArray("1\t2\n3\t4\n") << twoByTwo << false;
    QTest::newRow("comma separated") << QByteArray("1,2\n3,4\n") << twoByTwo << false;
    QTest::newRow("semicolon separated") << QByteArray("1;2\n3;4\n") << twoByTwo << false;
    QTest::newRow("tab wins over comma and semicolon")
        << QByteArray("\"1\"\t2\n3\t4\n") << twoByTwo << false;
    QTest::newRow("CRLF line ends") << QByteArray("1,2\r\n3,4\r\n") << twoByTwo << false;
    QTest::newRow("CR line ends") << QByteArray("1,2\r3,4\r") << twoByTwo << false;
    QTest::newRow("UTF-8 BOM") << QByteArray("\xEF\xBB\xBF" "1;2\n3;4\n") << twoByTwo << false;
    QTest::newRow("quoted fields") << QByteArray("\"1\",\"2\"\n\" 3 \",\"4\"\n") << twoByTwo
                                   << false;
    QTest::newRow("surrounding spaces") << QByteArray("  1 ,2  \n3,   4\n") << twoByTwo << false;
    QTest::newRow("header row skipped") << QByteArray("a,b\n1,2\n3,4\n") << twoByTwo << true;
    QTest::newRow("quoted header with a separator inside")
        << QByteArray("\"mean, per feature\",\"b\"\r\n1,2\r\n3,4\r\n") << twoByTwo << true;
    QTest::newRow("header of another width") << QByteArray("values\n1;2\n3;4") << twoByTwo
                                             << true;
    QTest::newRow("no trailing line end") << QByteArray("1\t2\n3\t4") << twoByTwo << false;
    QTest::newRow("one column") << QByteArray("1\n-2\n3\n") << rows({{1}, {-2}, {3}}) << false;
    QTest::newRow("one number") << QByteArray("42") << rows({{42}}) << false;
    QTest::newRow("signs, exponents, bare points")
        << QByteArray("+1.5,-2e-3,1E3,.5,5.\n") << rows({{1.5, -2e-3, 1e3, 0.5, 5.0}}) << false;
    QTest::newRow("underflow reads as zero") << QByteArray("1e-999,-0.1e-400\n")
                                             << rows({{0.0, -0.0}}) << false;
    QTest::newRow("largest double") << QByteArray("1.7976931348623157e308\n")
                                    << rows({{1.7976931348623157e308}}) << false;
}

void TestCsv::parses()
{
    QFETCH(QByteArray, text);
    QFETCH(Matrix, expected);
    QFETCH(bool, header);
    const TableParse parsed = parseTable(view(text));
    QVERIFY2(parsed.ok(), formatProblem(parsed.problem).c_str());
    QVERIFY(parsed.problem.where.empty() && parsed.problem.what.empty());
    QCOMPARE(*parsed.table, expected);  // parsing is exact: the nearest double of each literal
    QVERIFY(sameBits(*parsed.table, expected));  // down to the sign of 0
    QCOMPARE(parsed.skippedHeader, header);
}

void TestCsv::problems_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("maxRows");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("what");
    const int rowLimit = 256;
    QTest::newRow("a word") << QByteArray("1,2\n3,abc\n") << rowLimit << "line 2, column 2"
                            << "\"abc\" is not a number; expected a number such as 1.5";
    QTest::newRow("nan") << QByteArray("1,nan\n") << rowLimit << "line 1, column 2"
                         << "\"nan\" is not a finite number";
    QTest::newRow("inf") << QByteArray("1\n-inf\n") << rowLimit << "line 2, column 1"
                         << "\"-inf\" is not a finite number";
    QTest::newRow("overflow") << QByteArray("1;2;3\r\n4;5;1e999\r\n") << rowLimit
                              << "line 2, column 3"
                              << "\"1e999\" is out of range for a double (overflow)";
    QTest::newRow("empty field") << QByteArray("1,,3\n") << rowLimit << "line 1, column 2"
                                 << "is empty; expected a number";
    QTest::newRow("empty quoted field") << QByteArray("1\t\"  \"\n") << rowLimit
                                        << "line 1, column 2" << "is empty; expected a number";
    QTest::newRow("short row") << QByteArray("1,2,3\n4,5\n") << rowLimit << "line 2, column 3"
                               << "has 2 fields; expected 3 like line 1";
    QTest::newRow("long row after a header")
        << QByteArray("a,b\n1,2\n3,4,5\n") << rowLimit << "line 3, column 3"
        << "has more than 2 fields; expected 2 like line 2";
    QTest::newRow("empty text") << QByteArray("") << rowLimit << "line 1, column 1"
                                << "the text is empty; expected rows of numbers";
    QTest::newRow("BOM and blank lines only") << QByteArray("\xEF\xBB\xBF \r\n\n") << rowLimit
                                              << "line 1, column 1" << "the text is empty";
    QTest::newRow("header only") << QByteArray("mean,var\n") << rowLimit << "line 2, column 1"
                                 << "taken as a header, and no rows of numbers follow";
    QTest::newRow("blank line between rows") << QByteArray("1,2\n\n3,4\n") << rowLimit
                                             << "line 2, column 1"
                                             << "is an empty line; expected 2 numbers like line 1";
    QTest::newRow("one word") << QByteArray("abc") << rowLimit << "line 2, column 1"
                              << "line 1 has no number, so it was taken as a header";
    QTest::newRow("decimal comma") << QByteArray("1,5;2,5\n") << rowLimit << "line 1, column 1"
                                   << "expected a decimal point (1.5), not a decimal comma";
    QTest::newRow("decimal comma, several lines")
        << QByteArray("1,5;2\n3;4,25\n") << rowLimit << "line 1, column 1"
        << "\"1,5\" is not a number; expected a decimal point (1.5)";
    QTest::newRow("quote left open") << QByteArray("1,\"2\n") << rowLimit << "line 1, column 2"
                                     << "not closed on this line";
    QTest::newRow("hex number") << QByteArray("1\n0x1p3\n") << rowLimit << "line 2, column 1"
                                << "\"0x1p3\" is not a number";
    QTest::newRow("text after a number") << QByteArray("1,2\n3,1.5kg\n") << rowLimit
                                         << "line 2, column 2" << "\"1.5kg\" is not a number";
    QTest::newRow("too many columns") << QByteArray((wideLine(33, ',') + "\n").c_str())
                                      << rowLimit << "line 1, column 33"
                                      << "more than 32 columns; at most 32 fit";
    QTest::newRow("too many rows") << QByteArray(repeatLine("1,2", 257).c_str()) << rowLimit
                                   << "line 257, column 1" << "more than 256 rows; at most 256";
    QTest::newRow("too many rows after a header")
        << QByteArray(("a,b\n" + repeatLine("1,2", 300)).c_str()) << rowLimit
        << "line 258, column 1" << "more than 256 rows";
    QTest::newRow("a smaller row limit") << QByteArray("1\n2\n3\n") << 2 << "line 3, column 1"
                                         << "more than 2 rows; at most 2 rows fit";
}

void TestCsv::problems()
{
    QFETCH(QByteArray, text);
    QFETCH(int, maxRows);
    QFETCH(QString, where);
    QFETCH(QString, what);
    const TableParse parsed = parseTable(view(text), {maxRows, 32});
    QVERIFY(!parsed.ok());
    QCOMPARE(QString::fromStdString(parsed.problem.where), where);
    QVERIFY2(QString::fromStdString(parsed.problem.what).contains(what),
             parsed.problem.what.c_str());
    QVERIFY(formatProblem(parsed.problem).find('\n') == std::string::npos);
}

// A million lines, with a bad one far below the limit: a parser that read the whole text before
// counting rows would name line 500000; this one stops at line 257, the limit + 1.
void TestCsv::millionLinesStopAtTheRowLimit()
{
    std::string text = repeatLine("0.5", 1'000'000);
    const std::size_t bad = 499'999 * 4;  // the start of line 500000: each line is "0.5\n"
    text.replace(bad, 3, "abc");
    QCOMPARE(parseTable(text.substr(bad - 4, 8)).problem.where,  // refused on its own
             std::string("line 2, column 1"));

    const TableParse parsed = parseTable(text);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.problem.where, std::string("line 257, column 1"));
    QVERIFY2(parsed.problem.what.find("more than 256 rows") != std::string::npos,
             parsed.problem.what.c_str());
}

// A cap on the numbers in all, checked row by row: a student's file of a million rows of 1000
// numbers stops at the row that passes it, long before the text is read to its end.
void TestCsv::entryCapStopsAtTheRowThatPassesIt()
{
    std::string row = "0";
    for (int k = 1; k < 1000; ++k)
        row += ",0";
    const std::string text = repeatLine(row, 5000);
    const TableParse parsed = parseTable(text, TableLimits{1 << 20, 1 << 16, 4'194'304});
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.problem.where, std::string("line 4195, column 1"));
    QVERIFY2(parsed.problem.what.find("more than 4194304 numbers") != std::string::npos,
             parsed.problem.what.c_str());
    QVERIFY(parseTable(repeatLine(row, 4194), TableLimits{1 << 20, 1 << 16, 4'194'304}).ok());
}

void TestCsv::formatTableIsClipboardText()
{
    QCOMPARE(formatTable(rows({{1, 0.5, -2}, {0.1, 1e-300, 3e20}})),
             std::string("1\t0.5\t-2\n0.1\t1e-300\t3e+20\n"));
    QCOMPARE(formatTable(rows({{7}})), std::string("7\n"));
}

void TestCsv::roundTripIsBitExact_data()
{
    QTest::addColumn<Matrix>("block");
    QTest::newRow("standard normal 17x5") << standardNormalMatrix(17, 5, 3);
    QTest::newRow("cs231n offset 256x32")
        << Matrix((5.0 * standardNormalMatrix(256, 32, 4).array() + 12.0).matrix());
    QTest::newRow("digits and extremes")
        << rows({{0.1 + 0.2, -1.2345678901234567e-300, 6.02214076e23},
                 {4.9406564584124654e-324, -1.7976931348623157e308, -0.0},
                 {1.0 / 3.0, 2.2250738585072014e-308, 123456789012345680.0}});
}

void TestCsv::roundTripIsBitExact()
{
    QFETCH(Matrix, block);
    const TableParse parsed = parseTable(formatTable(block));
    QVERIFY2(parsed.ok(), formatProblem(parsed.problem).c_str());
    QCOMPARE(*parsed.table, block);
    QVERIFY(sameBits(*parsed.table, block));  // also -0.0 against 0.0
    QVERIFY(!parsed.skippedHeader);
}

// With one sample a per-element quantity is 1 x D like a per-feature one: the flag decides.
void TestCsv::resultsCsvOneSample()
{
    const Matrix y = rows({{1, 2}});
    const std::vector<std::string> lines =
        splitLines(resultsCsv({{"y", &y}, {"dbeta", &y, true}}));
    QCOMPARE(lines[1], std::string("y,0,0,1"));
    QCOMPARE(lines[3], std::string("dbeta,,0,1"));
}

void TestCsv::trailingBlankLinesAreFine()
{
    const TableParse parsed = parseTable("1,2\r\n3,4\r\n\r\n\n  \n");
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.table->rows(), Eigen::Index(2));
}

void TestCsv::resultsCsvLines_data()
{
    QTest::addColumn<int>("lineIndex");
    QTest::addColumn<QString>("line");
    QTest::newRow("header") << 0 << "quantity,sample,feature,value";
    QTest::newRow("per element, first") << 1 << "y,0,0,1.5";
    QTest::newRow("per element, sample 1") << 4 << "y,1,0,0.1";
    QTest::newRow("per element, last") << 6 << "y,1,2,-3e-07";
    QTest::newRow("per feature, first") << 7 << "dbeta,,0,2";
    QTest::newRow("per feature, last") << 9 << "dbeta,,2,-0.25";
    QTest::newRow("a name with a comma is quoted") << 10 << "\"dx, fused\",0,0,4";
}

void TestCsv::resultsCsvLines()
{
    QFETCH(int, lineIndex);
    QFETCH(QString, line);
    const Matrix y = rows({{1.5, -2, 1e10}, {0.1, 0, -3e-7}});
    const Matrix dbeta = rows({{2, 0.5, -0.25}});
    const Matrix dx = rows({{4}, {5}});
    const std::vector<std::string> lines =
        splitLines(resultsCsv({{"y", &y}, {"dbeta", &dbeta, true}, {"dx, fused", &dx}}));
    QCOMPARE(lines.size(), std::size_t(1 + 6 + 3 + 2));
    QCOMPARE(QString::fromStdString(lines[std::size_t(lineIndex)]), line);
}

// Every value line read back with from_chars gives the matrix entry bit for bit.
void TestCsv::resultsCsvParsesBackExactly()
{
    const Matrix x = (5.0 * standardNormalMatrix(6, 4, 11).array() + 12.0).matrix();
    const Matrix mean = x.colwise().mean();
    const std::vector<std::string> lines = splitLines(resultsCsv({{"x", &x}, {"mean", &mean, true}}));
    QCOMPARE(lines.size(), std::size_t(1 + 24 + 4));
    for (std::size_t k = 1; k < lines.size(); ++k) {
        const std::string& line = lines[k];
        const auto comma1 = line.find(',');
        const auto comma2 = line.find(',', comma1 + 1);
        const auto comma3 = line.find(',', comma2 + 1);
        const std::string name = line.substr(0, comma1);
        const std::string sample = line.substr(comma1 + 1, comma2 - comma1 - 1);
        const int feature = std::stoi(line.substr(comma2 + 1, comma3 - comma2 - 1));
        double value = 0;
        const char* end = line.data() + line.size();
        QVERIFY(std::from_chars(line.data() + comma3 + 1, end, value).ptr == end);
        const double expected = name == "x" ? x(std::stoi(sample), feature) : mean(0, feature);
        QVERIFY2(name == "x" || sample.empty(), line.c_str());
        QVERIFY2(std::memcmp(&value, &expected, sizeof value) == 0, line.c_str());
    }
}

QTEST_GUILESS_MAIN(TestCsv)
#include "test_csv.moc"
