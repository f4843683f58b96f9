#include "qt_start.h"

#include <QApplication>

#include <cstdio>

namespace bnflow::cli {
namespace {

std::string& commandName()
{
    static std::string name;
    return name;
}

void quietQtMessages(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    if (type == QtCriticalMsg || type == QtFatalMsg)
        std::fprintf(stderr, "bnflow-cli %s: Qt: %s\n", commandName().c_str(), qPrintable(message));
}

}  // namespace

QtStart::QtStart(const std::string& command)
{
    commandName() = command;
    qInstallMessageHandler(quietQtMessages);
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // QApplication keeps references to argc and argv for its whole life.
    static int argc = 1;
    static char program[] = "bnflow-cli";
    static char* argv[] = {program, nullptr};
    app_ = std::make_unique<QApplication>(argc, argv);
}

QtStart::~QtStart() = default;

}  // namespace bnflow::cli
