/// Looks a setting up in the flags, then the environment, then the configuration file.
struct SettingSources {
    let options: DaemonOptions
    let environment: [String: String]
    let file: ConfigurationFile

    func value(_ key: String) -> String? {
        options.value(key) ?? environment[Self.environmentName(key)] ?? file.value(key)
    }

    /// For repeatable settings: the first source that has any values wins.
    func list(_ key: String) -> [String] {
        let flags = options.list(key)
        if !flags.isEmpty { return flags }
        if let joined = environment[Self.environmentName(key)] {
            return joined.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        }
        return file.list(key)
    }

    static func environmentName(_ key: String) -> String {
        "IMAGESEARCHD_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
