// lingxi_mock_openai --port P --script FILE.json [--host 127.0.0.1] [--api-key K] [--threads N]
// Serves the mock OpenAI API until SIGINT/SIGTERM. Prints "listening on <port>" when ready.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "support/mock_openai.h"

int main(int argc, char** argv) {
  lingxi::testing::MockOpenAiServer::Options options;
  std::string script_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port") {
      options.port = static_cast<uint16_t>(std::stoi(value));
    } else if (flag == "--script") {
      script_path = value;
    } else if (flag == "--host") {
      options.address = value;
    } else if (flag == "--api-key") {
      options.api_key = value;
    } else if (flag == "--threads") {
      options.threads = std::stoi(value);
    } else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  std::vector<lingxi::testing::MockRule> rules;
  try {
    if (!script_path.empty()) {
      std::ifstream in(script_path);
      if (!in) {
        std::cerr << "cannot read " << script_path << "\n";
        return 2;
      }
      std::stringstream text;
      text << in.rdbuf();
      rules = lingxi::testing::MockOpenAiServer::ParseScript(text.str());
    }
  } catch (const std::exception& e) {
    std::cerr << "bad script: " << e.what() << "\n";
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the server threads start
  try {
    lingxi::testing::MockOpenAiServer server(std::move(rules), options);
    std::cout << "listening on " << server.port() << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
