// bnflow: the GUI. `bnflow [SESSION] [--screenshot FILE.png]`.
#include <display_settings.h>
#include <main_window.h>
#include <session_document.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>

#include <cstdio>

namespace {

int fail(int code, const QString& message)
{
    std::fprintf(stderr, "bnflow: %s\n", qPrintable(message));
    return code;
}

}  // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("bnflow"));
    QApplication::setOrganizationName(QStringLiteral("bnflow"));
    QApplication::setApplicationVersion(QStringLiteral(BNFLOW_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("See the gradient flow through a Batch Normalization layer."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("SESSION"),
                                 QStringLiteral("a .bnflow.json session (default: the built-in example)"),
                                 QStringLiteral("[SESSION]"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("render the window to FILE.png and exit"),
                                        QStringLiteral("FILE"));
    parser.addOption(screenshot);
    const QCommandLineOption view(QStringLiteral("view"),
                                  QStringLiteral("show 'results' or the plot NAME (gradients, terms, ...)"),
                                  QStringLiteral("NAME"));
    parser.addOption(view);
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return fail(2, QStringLiteral("unexpected argument '%1'; see bnflow --help").arg(positional[1]));
    const bool rendering = parser.isSet(screenshot);

    bnflow::ui::DisplaySettings display;
    if (rendering) {  // the same picture on every machine: defaults, not this user's settings
        display.setTheme(bnflow::ui::Theme::Light);
        display.setFontPointSize(10);
    } else {
        display.load();
    }
    bnflow::ui::SessionDocument document;
    bnflow::ui::MainWindow window(&document, &display);
    if (!rendering)
        window.restoreLayout();

    QString openError;
    if (!positional.isEmpty() && !document.open(positional.front(), &openError)) {
        if (rendering)
            return fail(2, openError);
        std::fprintf(stderr, "bnflow: %s\n", qPrintable(openError));
        QTimer::singleShot(0, &window, [&window, openError] {
            QMessageBox::warning(&window, QObject::tr("Cannot open session"),
                                 openError + QObject::tr("\n\nShowing the built-in example instead."));
        });
    }
    if (parser.isSet(view) && !window.showView(parser.value(view)))
        return fail(2, QStringLiteral("--view: unknown view '%1'; see bnflow --help").arg(parser.value(view)));
    window.show();

    if (rendering) {
        QApplication::processEvents();
        const QString file = parser.value(screenshot);
        if (!window.grab().save(file, "PNG"))
            return fail(1, QStringLiteral("%1: cannot write the screenshot").arg(file));
        return 0;
    }
    return QApplication::exec();
}
