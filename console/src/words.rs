//! The console's own words in English, Spanish and Portuguese, following
//! the operator's choice (kept in this browser; the browser's language
//! until they choose). The English sentence is the key: `tr("Sign out")`
//! is it in the operator's language, and `trf` fills each `{}` in order.
//! A test reads the console's sources and fails on any sentence passed to
//! them without both translations, and on any translation nobody uses.
//!
//! Choosing another language reloads the console: every view then renders
//! in it, with no signal behind each of its words.

use std::cell::Cell;

use charla_client::chat::StatusWords;
use charla_client::storage::{load, save};
use charla_shared::channel::Language;

/// Where the operator's choice is kept.
const KEY: &str = "charla.console.language";

thread_local! {
    static LANGUAGE: Cell<Language> = const { Cell::new(Language::En) };
}

/// Reads the operator's choice (or the browser's language) once, before
/// anything renders.
pub fn init() {
    let chosen = load::<Language>(KEY).or_else(|| {
        let navigator = web_sys::window()?.navigator();
        navigator
            .languages()
            .iter()
            .filter_map(|tag| tag.as_string())
            .find_map(|tag| Language::from_tag(&tag))
    });
    LANGUAGE.with(|l| l.set(chosen.unwrap_or(Language::En)));
}

/// The console's language.
pub fn language() -> Language {
    LANGUAGE.with(Cell::get)
}

/// Keeps the operator's choice and shows the console in it.
pub fn choose(language: Language) {
    save(KEY, &language);
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// A sentence in the console's language.
pub fn tr(english: &'static str) -> &'static str {
    in_language(language(), english)
}

/// A sentence with each `{}` filled, in order, in the console's language.
pub fn trf(english: &'static str, values: &[&str]) -> String {
    fill(tr(english), values)
}

/// The status line's words.
pub fn status() -> StatusWords {
    StatusWords {
        connecting: tr("Connecting…"),
        reconnecting: tr("Connection lost. Reconnecting… Your replies will be sent."),
        offline: tr("Offline. Your replies will be sent when you are back online."),
    }
}

fn in_language(language: Language, english: &'static str) -> &'static str {
    let table = match language {
        Language::En => return english,
        Language::Es => ES,
        Language::Pt => PT,
    };
    table
        .iter()
        .find(|(key, _)| *key == english)
        .map_or(english, |(_, said)| said)
}

fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut values = values.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(values.next().copied().unwrap_or_default());
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// Spanish.
const ES: &[(&str, &str)] = &[
    ("Loading…", "Cargando…"),
    ("Conversations", "Conversaciones"),
    ("Leads and tickets", "Clientes potenciales y tickets"),
    ("Ratings", "Valoraciones"),
    ("Dashboard", "Panel"),
    ("Channels", "Canales"),
    ("Chatbots", "Chatbots"),
    ("Console", "Consola"),
    ("Sign out", "Cerrar sesión"),
    ("Sign out everywhere", "Cerrar sesión en todas partes"),
    ("Language", "Idioma"),
    ("Charla console", "Consola de Charla"),
    ("E-mail", "Correo electrónico"),
    ("Password", "Contraseña"),
    ("Sign in", "Iniciar sesión"),
    ("Connecting…", "Conectando…"),
    (
        "Connection lost. Reconnecting… Your replies will be sent.",
        "Se perdió la conexión. Reconectando… Sus respuestas se enviarán.",
    ),
    (
        "Offline. Your replies will be sent when you are back online.",
        "Sin conexión. Sus respuestas se enviarán cuando vuelva a estar en línea.",
    ),
    ("Search conversations", "Buscar conversaciones"),
    (
        "Search by name, e-mail, words or ticket number",
        "Buscar por nombre, correo, palabras o número de ticket",
    ),
    ("Nothing found.", "No se encontró nada."),
    (
        "No conversations yet. They appear here as visitors write.",
        "Aún no hay conversaciones. Aparecen aquí cuando los visitantes escriben.",
    ),
    ("Open conversations", "Conversaciones abiertas"),
    (
        "Pick a conversation to answer it.",
        "Elija una conversación para responderla.",
    ),
    ("Operators", "Operadores"),
    (
        "Nobody else answers your channels yet.",
        "Nadie más responde sus canales todavía.",
    ),
    ("Message {}", "Escribir a {}"),
    ("Message", "Escribir"),
    ("You: ", "Usted: "),
    (
        "Identity verified by the site",
        "Identidad verificada por el sitio",
    ),
    ("No messages yet", "Aún no hay mensajes"),
    ("online", "en línea"),
    ("operator", "operador"),
    (
        "Block this visitor? Their chat stops working.",
        "¿Bloquear a este visitante? Su chat dejará de funcionar.",
    ),
    (
        "The visitor is blocked: their chat no longer opens.",
        "El visitante está bloqueado: su chat ya no se abre.",
    ),
    (
        "Not connected: the conversation was not ended. Try again in a moment.",
        "Sin conexión: la conversación no se terminó. Inténtelo de nuevo en un momento.",
    ),
    (
        "Delete this conversation for good, with its transcript, notes and rating?",
        "¿Eliminar esta conversación para siempre, con su transcripción, notas y valoración?",
    ),
    ("End conversation", "Terminar la conversación"),
    ("Ended", "Terminada"),
    ("Download transcript", "Descargar la transcripción"),
    ("Block visitor", "Bloquear al visitante"),
    ("Delete", "Eliminar"),
    ("Close this conversation", "Cerrar esta conversación"),
    ("Transcript", "Transcripción"),
    ("You", "Usted"),
    ("Sending…", "Enviando…"),
    ("Seen", "Visto"),
    ("Seen by the visitor", "Visto por el visitante"),
    ("Notes for operators", "Notas para operadores"),
    (
        "Notes · only operators see these",
        "Notas · solo los operadores las ven",
    ),
    ("Reply", "Respuesta"),
    ("Write a reply…", "Escriba una respuesta…"),
    ("Send", "Enviar"),
    ("Attach a file", "Adjuntar un archivo"),
    ("Try again", "Reintentar"),
    ("Dismiss", "Descartar"),
    ("Canned responses", "Respuestas predefinidas"),
    (
        "Private note (type / for commands, @name to tell an operator)",
        "Nota privada (escriba / para comandos, @nombre para avisar a un operador)",
    ),
    ("Sound for new messages", "Sonido para mensajes nuevos"),
    ("offline", "desconectado"),
    ("{} unread", "{} sin leer"),
    ("{}+ unread", "{}+ sin leer"),
    ("({}) Charla console", "({}) Consola de Charla"),
    ("verified ({})", "verificada ({})"),
    ("not verified", "sin verificar"),
    ("{} on {}", "{} en {}"),
    ("none", "ninguna"),
    ("About the visitor", "Sobre el visitante"),
    ("Name", "Nombre"),
    ("Identity", "Identidad"),
    ("Country", "País"),
    ("Local time", "Hora local"),
    ("Browser", "Navegador"),
    ("Current page", "Página actual"),
    ("Started on", "Empezó en"),
    ("Visits", "Visitas"),
    ("Earlier conversations", "Conversaciones anteriores"),
    ("Id (a-z, 0-9, -)", "Id (a-z, 0-9, -)"),
    ("Create", "Crear"),
    ("The id {}.", "El id {}."),
    ("New channel", "Canal nuevo"),
    ("Delete the channel “{}” ({}) with all its conversations, ratings, leads and tickets? This cannot be undone.", "¿Eliminar el canal “{}” ({}) con todas sus conversaciones, valoraciones, clientes potenciales y tickets? No se puede deshacer."),
    ("Saved. Visitors see it on their next page.", "Guardado. Los visitantes lo verán en su próxima página."),
    ("Channel name", "Nombre del canal"),
    ("Save", "Guardar"),
    ("Delete channel", "Eliminar canal"),
    ("Channel settings", "Ajustes del canal"),
    ("Operators who answer this channel", "Operadores que atienden este canal"),
    ("Admins answer every channel.", "Los administradores atienden todos los canales."),
    ("{} picker", "Selector de {}"),
    ("Sample text, contrast {}:1", "Texto de ejemplo, contraste {}:1"),
    ("Type HEX, RGB or HSL", "Escriba HEX, RGB o HSL"),
    ("Colours", "Colores"),
    ("Chat button colour", "Color del botón de chat"),
    ("Window header colour", "Color de la cabecera de la ventana"),
    ("Reset colours", "Restablecer colores"),
    ("Texts", "Textos"),
    ("Fallback language", "Idioma de respaldo"),
    ("Language of the texts below", "Idioma de los textos de abajo"),
    ("Who answers", "Quién responde"),
    ("A chatbot first, then a person", "Primero un chatbot, luego una persona"),
    ("Operators only", "Solo operadores"),
    ("A chatbot only", "Solo un chatbot"),
    ("Welcome message", "Mensaje de bienvenida"),
    ("Text input placeholder", "Texto de ejemplo del campo de entrada"),
    ("Button text (notification bubble)", "Texto del botón (burbuja de notificación)"),
    ("Closing comments (shown when the conversation ends)", "Comentarios de cierre (se muestran al terminar la conversación)"),
    ("An empty text uses the fallback language's, then Charla's own.", "Un texto vacío usa el del idioma de respaldo y, si no, el de Charla."),
    ("Visitors in {} will see {} for the {}.", "Los visitantes en {} verán {} en: {}."),
    ("welcome message", "mensaje de bienvenida"),
    ("placeholder", "texto de ejemplo"),
    ("button text", "texto del botón"),
    ("closing comments", "comentarios de cierre"),
    ("Publish the ratings page (percentages and faces, never the reasons)", "Publicar la página de valoraciones (porcentajes y caras, nunca los motivos)"),
    ("Preview of the widget", "Vista previa del widget"),
    ("Rule {}", "Regla {}"),
    ("Rule {}: live chat button", "Regla {}: botón del chat en vivo"),
    ("Pages", "Páginas"),
    ("Address or path", "Dirección o ruta"),
    ("URL regex", "Expresión regular de la URL"),
    ("Open automatically timer (seconds)", "Temporizador de apertura automática (segundos)"),
    ("Countries (codes, empty for all)", "Países (códigos, vacío para todos)"),
    ("Chatbot", "Chatbot"),
    ("None", "Ninguno"),
    ("Enabled only if no operator", "Activado solo si no hay operador"),
    ("Move rule {} up", "Subir la regla {}"),
    ("Move rule {} down", "Bajar la regla {}"),
    ("Delete rule {}", "Eliminar la regla {}"),
    ("The first rule whose pages include the page (and whose countries include the visitor's) decides. Without a match the button shows.", "Decide la primera regla cuyas páginas incluyen la página (y cuyos países incluyen el del visitante). Si ninguna coincide, el botón se muestra."),
    ("Add a rule", "Añadir una regla"),
    ("On your site", "En su sitio"),
    ("Paste this into your site's pages, inside <head>:", "Pegue esto en las páginas de su sitio, dentro de <head>:"),
    ("Copy the snippet", "Copiar el fragmento"),
    ("Without a site", "Sin sitio"),
    ("Send this link by e-mail: it opens a chat at once.", "Envíe este enlace por correo: abre un chat al instante."),
    ("Copy the link", "Copiar el enlace"),
    ("Public ratings page, once published under Options: ", "Página pública de valoraciones, una vez publicada en Opciones: "),
    ("Security settings saved.", "Ajustes de seguridad guardados."),
    ("A new secret is in use; hashes made with the old one fail now.", "Hay un secreto nuevo en uso; los hashes hechos con el anterior ya fallan."),
    ("Who may use the channel", "Quién puede usar el canal"),
    ("Only signed-in visitors (identity verified with the secret)", "Solo visitantes con sesión iniciada (identidad verificada con el secreto)"),
    ("Save security settings", "Guardar los ajustes de seguridad"),
    ("Signed-in visitors", "Visitantes con sesión iniciada"),
    ("Identity secret: user_hash = HMAC-SHA256(secret, user_id)", "Secreto de identidad: user_hash = HMAC-SHA256(secret, user_id)"),
    ("Copy the secret", "Copiar el secreto"),
    ("Replace the secret", "Reemplazar el secreto"),
    ("Copied.", "Copiado."),
    ("Options", "Opciones"),
    ("Channel rules", "Reglas del canal"),
    ("Widget", "Widget"),
    ("Security", "Seguridad"),
    ("Show", "Mostrar"),
    ("Show with notification", "Mostrar con notificación"),
    ("Open automatically", "Abrir automáticamente"),
    ("Hide", "Ocultar"),
    ("Every page", "Todas las páginas"),
    ("Pages whose address contains", "Páginas cuya dirección contiene"),
    ("Pages whose address starts with", "Páginas cuya dirección empieza por"),
    ("The page whose address is exactly", "La página cuya dirección es exactamente"),
    ("Pages matching a regular expression (advanced)", "Páginas que coinciden con una expresión regular (avanzado)"),
    ("New chatbot", "Chatbot nuevo"),
    ("The id must be 1 to 40 characters of a-z, 0-9 and '-'.", "El id debe tener de 1 a 40 caracteres entre a-z, 0-9 y '-'."),
    ("Saved. New conversations use it at once.", "Guardado. Las conversaciones nuevas lo usan desde ya."),
    ("Delete the chatbot {}? Rules naming it stop using it.", "¿Eliminar el chatbot {}? Las reglas que lo nombran dejarán de usarlo."),
    ("Chatbot name", "Nombre del chatbot"),
    ("Back to editing", "Volver a editar"),
    ("Test", "Probar"),
    ("New step", "Paso nuevo"),
    ("Add a step", "Añadir un paso"),
    ("Step {}", "Paso {}"),
    ("Step type", "Tipo de paso"),
    ("Team", "Equipo"),
    ("Answers of step {}", "Respuestas del paso {}"),
    ("Add an answer to step {}", "Añadir una respuesta al paso {}"),
    ("Step {} only if these answers were chosen", "Paso {} solo si se eligieron estas respuestas"),
    ("Move step {} up", "Subir el paso {}"),
    ("Move step {} down", "Bajar el paso {}"),
    ("Delete step {}", "Eliminar el paso {}"),
    ("Answer {}", "Respuesta {}"),
    ("Answer {} opens (optional)", "La respuesta {} abre (opcional)"),
    ("Remove answer {}", "Quitar la respuesta {}"),
    ("Test of the script", "Prueba del guion"),
    ("Test: what a visitor sees", "Prueba: lo que ve un visitante"),
    ("Restart", "Reiniciar"),
    ("Test conversation", "Conversación de prueba"),
    ("Visitor", "Visitante"),
    ("Answers", "Respuestas"),
    ("Answer as the visitor", "Responda como el visitante"),
    ("Write as a visitor would…", "Escriba como lo haría un visitante…"),
    ("Text", "Texto"),
    ("Question", "Pregunta"),
    ("Phone", "Teléfono"),
    ("Free input", "Entrada libre"),
    ("Free input (multi-line)", "Entrada libre (varias líneas)"),
    ("Forward to operator", "Transferir a un operador"),
    ("Create lead", "Crear cliente potencial"),
    ("Create ticket", "Crear ticket"),
    ("Test: no operator is asked; the script goes on as when none is available.", "Prueba: no se llama a ningún operador; el guion sigue como cuando no hay ninguno disponible."),
    ("Test: a lead would be recorded here (nothing is stored).", "Prueba: aquí se registraría un cliente potencial (no se guarda nada)."),
    ("Test: a ticket for {} would be recorded here (nothing is stored).", "Prueba: aquí se registraría un ticket para {} (no se guarda nada)."),
    ("Canned responses saved.", "Respuestas predefinidas guardadas."),
    ("Operators type : and a shortcut in a reply (or pick from the list that opens); :shortcut and a space puts the text in.", "Los operadores escriben : y un atajo en una respuesta (o eligen de la lista que se abre); :atajo y un espacio insertan el texto."),
    ("This channel's", "Las de este canal"),
    ("Every channel's", "Las de todos los canales"),
    ("Save canned responses", "Guardar las respuestas predefinidas"),
    ("Shortcut", "Atajo"),
    ("Remove", "Quitar"),
    ("Add a canned response", "Añadir una respuesta predefinida"),
    ("No operator", "Sin operador"),
    ("{}% satisfied", "{}% satisfechos"),
    ("Channel", "Canal"),
    ("Period", "Período"),
    ("Operator", "Operador"),
    ("Every operator", "Todos los operadores"),
    ("Rating", "Valoración"),
    ("Every rating", "Todas las valoraciones"),
    ("Export as CSV", "Exportar como CSV"),
    ("Shares", "Proporciones"),
    ("By operator", "Por operador"),
    ("Total", "Total"),
    ("Satisfied, by operator", "Satisfechos, por operador"),
    ("When", "Cuándo"),
    ("Reason", "Motivo"),
    ("Visible internally only", "Visible solo internamente"),
    ("Conversation", "Conversación"),
    ("Rating {} visible internally only", "Valoración {} visible solo internamente"),
    ("Read", "Leer"),
    ("No ratings in this period.", "No hay valoraciones en este período."),
    ("Conversation with {}", "Conversación con {}"),
    ("Last 7 days", "Últimos 7 días"),
    ("Last 30 days", "Últimos 30 días"),
    ("Last 90 days", "Últimos 90 días"),
    ("All time", "Todo el tiempo"),
    ("Satisfied", "Satisfecho"),
    ("Neutral", "Neutral"),
    ("Dissatisfied", "Insatisfecho"),
    ("Today", "Hoy"),
    ("Conversations today", "Conversaciones de hoy"),
    ("Waiting now", "Esperando ahora"),
    ("Average first response", "Primera respuesta media"),
    ("Average duration", "Duración media"),
    ("Satisfaction", "Satisfacción"),
    ("Conversations per day", "Conversaciones por día"),
    ("Day", "Día"),
    ("Average first response per day", "Primera respuesta media por día"),
    ("Satisfied per day", "Satisfechos por día"),
    ("Leads", "Clientes potenciales"),
    ("Tickets", "Tickets"),
    ("Search by number, name or e-mail", "Buscar por número, nombre o correo"),
    ("Nothing yet.", "Aún no hay nada."),
    ("Lead", "Cliente potencial"),
    ("Ticket", "Ticket"),
    ("Source", "Origen"),
    ("Created", "Creado"),
    ("{}: highest {} ({}); last {} ({}).", "{}: máximo {} ({}); último {} ({})."),
    ("{}: no data yet.", "{}: aún no hay datos."),
    ("{} as a table", "{} como tabla"),
    ("Rule {}: the URL regex is not valid: {}", "Regla {}: la expresión regular de la URL no es válida: {}"),
    ("Sites allowed to use this channel (one origin per line, empty for any)", "Sitios que pueden usar este canal (un origen por línea, vacío para cualquiera)"),
    ("Office hours", "Horario de atención"),
    ("Out of hours message", "Mensaje fuera de horario"),
    ("Offline message prompt (above the form)", "Invitación a dejar un mensaje (sobre el formulario)"),
    ("out of hours message", "mensaje fuera de horario"),
    ("offline message prompt", "invitación a dejar un mensaje"),
    ("Answer only in office hours (outside them, visitors see the out of hours message)", "Atender solo en horario de atención (fuera de él, los visitantes ven el mensaje fuera de horario)"),
    ("Time zone (IANA name)", "Zona horaria (nombre IANA)"),
    ("Each day: opening spans separated by commas; empty is closed. A span may end after midnight (22:00-02:00).", "Cada día: franjas de apertura separadas por comas; vacío es cerrado. Una franja puede terminar después de medianoche (22:00-02:00)."),
    ("Exceptions, one per line: a date, then its spans (none: closed all day)", "Excepciones, una por línea: una fecha y sus franjas (ninguna: cerrado todo el día)"),
    ("Offline messages", "Mensajes fuera de horario"),
    ("Outside office hours, visitors may leave a message with their e-mail address", "Fuera del horario de atención, los visitantes pueden dejar un mensaje con su correo"),
    ("Monday", "Lunes"),
    ("Tuesday", "Martes"),
    ("Wednesday", "Miércoles"),
    ("Thursday", "Jueves"),
    ("Friday", "Viernes"),
    ("Saturday", "Sábado"),
    ("Sunday", "Domingo"),
    ("unread", "sin leer"),
    ("Written on {}", "Escrito en {}"),
    ("Mark as unread", "Marcar como no leído"),
    ("Mark as read", "Marcar como leído"),
    ("Actions", "Acciones"),
    ("The two new passwords differ.", "Las dos contraseñas nuevas no coinciden."),
    ("Current password", "Contraseña actual"),
    ("New password", "Contraseña nueva"),
    ("The new password again", "La contraseña nueva otra vez"),
    ("At least {} characters.", "Al menos {} caracteres."),
    ("Save the password", "Guardar la contraseña"),
    ("Remove the account of {} ({})? Its conversations keep its messages.", "¿Eliminar la cuenta de {} ({})? Sus conversaciones conservan sus mensajes."),
    ("{} was removed.", "Se eliminó a {}."),
    ("Chat name", "Nombre en el chat"),
    ("Role", "Rol"),
    ("Edit {}", "Editar {}"),
    ("Remove {}", "Eliminar {}"),
    ("{} can sign in now; they choose their own password first.", "{} ya puede iniciar sesión; primero elegirá su propia contraseña."),
    ("{} is saved.", "{} está guardado."),
    ("New operator", "Operador nuevo"),
    ("Chat name (what visitors see; empty: the name)", "Nombre en el chat (lo que ven los visitantes; vacío: el nombre)"),
    ("Initial password (they choose their own at their first sign-in)", "Contraseña inicial (elegirá la suya al iniciar sesión por primera vez)"),
    ("New initial password (empty: keep theirs)", "Nueva contraseña inicial (vacío: conservar la suya)"),
    ("Create the account", "Crear la cuenta"),
    ("Cancel", "Cancelar"),
    ("Admin", "Administrador"),
    ("Choose your own password before you start: the one you were given works only for this.", "Elija su propia contraseña antes de empezar: la que recibió solo sirve para esto."),
    ("Change password", "Cambiar la contraseña"),
    ("Your new password is saved; your other sessions ended.", "Su nueva contraseña está guardada; sus otras sesiones se cerraron."),
    ("Accounts", "Cuentas"),
    ("Operator accounts", "Cuentas de operadores"),
    ("1 conversation is waiting.", "1 conversación está esperando."),
    ("Nobody is waiting.", "Nadie está esperando."),
    ("{} conversations are waiting.", "{} conversaciones están esperando."),
    ("Taking conversations in {}", "Atiendo conversaciones en {}"),
    ("Waiting for an operator since {}", "Esperando a un operador desde las {}"),
    ("You hold this conversation.", "Usted atiende esta conversación."),
    ("{} holds this conversation.", "{} atiende esta conversación."),
    ("Nobody else is online to take it.", "No hay nadie más en línea para atenderla."),
    ("Take", "Atender"),
    ("Put back in the queue", "Devolver a la cola"),
    ("Transfer", "Transferir"),
    ("To", "A"),
    ("Note for them", "Nota para esa persona"),
    ("Supervision", "Supervisión"),
    ("Now and today", "Ahora y hoy"),
    ("In progress", "En curso"),
    ("Taken within {} today", "Atendidas en menos de {} hoy"),
    ("Average wait today", "Espera media hoy"),
    ("Longest wait today", "Espera más larga hoy"),
    ("Operators online", "Operadores en línea"),
    ("Taking conversations", "Atiende conversaciones"),
    ("Conversations held", "Conversaciones atendidas"),
    ("yes", "sí"),
    ("away", "ausente"),
    ("Waiting", "Esperando"),
    ("Mine", "Mías"),
    ("With other operators", "Con otros operadores"),
    ("Other conversations", "Otras conversaciones"),
    ("Unavailable message (when the queue is full)", "Mensaje de no disponible (cuando la cola está llena)"),
    ("Agent automatic message (sent as the operator who takes the conversation)", "Mensaje automático del agente (enviado como el operador que toma la conversación)"),
    ("Routing", "Enrutamiento"),
    ("Strategy", "Estrategia"),
    ("Manual: operators take conversations from the queue", "Manual: los operadores toman las conversaciones de la cola"),
    ("Round robin: each operator in turn", "Rotativo: cada operador por turno"),
    ("Least busy: the operator with the fewest conversations", "Menos ocupado: el operador con menos conversaciones"),
    ("Most conversations per operator at once", "Máximo de conversaciones simultáneas por operador"),
    ("Most conversations waiting (0: no limit)", "Máximo de conversaciones en espera (0: sin límite)"),
    ("Service level (seconds)", "Nivel de servicio (segundos)"),
    ("Inactivity limit (minutes)", "Límite de inactividad (minutos)"),
    ("Avatar colour (visitors see the initials on it; empty: none)", "Color del avatar (los visitantes ven las iniciales sobre él; vacío: ninguno)"),
    ("{} waiting", "{} en espera"),
    ("Assistant", "Asistente"),
    ("AI assistant", "Asistente de IA"),
    ("Who answers first", "Quién responde primero"),
    ("Operators only: the assistant does not answer", "Solo operadores: el asistente no responde"),
    ("The assistant first, then a person", "Primero el asistente, después una persona"),
    ("The assistant only", "Solo el asistente"),
    ("Name on its messages", "Nombre en sus mensajes"),
    ("When a person is needed", "Cuando hace falta una persona"),
    ("Offer a person (a visitor who asks gets one at once)", "Ofrecer una persona (quien la pide la tiene al momento)"),
    ("Hand the conversation over at once", "Pasar la conversación al momento"),
    ("Knowledge base", "Base de conocimiento"),
    ("{} articles", "{} artículos"),
    ("{} articles saved.", "{} artículos guardados."),
    ("Import Markdown files named slug.lang.md whose first line is # Title", "Importar archivos Markdown llamados slug.idioma.md cuya primera línea es # Título"),
    ("Help page: ", "Página de ayuda: "),
    ("Hand to the AI assistant", "Pasar al asistente de IA"),
    ("Test: the AI assistant answers from here on, from the channel's knowledge base.", "Prueba: desde aquí responde el asistente de IA, con la base de conocimiento del canal."),
    ("Write answers with the language model (where the installation sets AI_BASE_URL and AI_MODEL); the article's passage is quoted when it fails", "Redactar las respuestas con el modelo de lenguaje (donde la instalación define AI_BASE_URL y AI_MODEL); si falla, se cita el pasaje del artículo"),
    ("Slug", "Identificador"),
    ("Article saved.", "Artículo guardado."),
    ("Article deleted.", "Artículo eliminado."),
    ("Title", "Título"),
    ("Published", "Publicado"),
    ("Yes", "Sí"),
    ("No", "No"),
    ("Edit", "Editar"),
    ("New article", "Nuevo artículo"),
    ("Body (Markdown)", "Cuerpo (Markdown)"),
    ("Tags, separated by commas", "Etiquetas, separadas por comas"),
    ("Published (the assistant and the help page use it)", "Publicado (lo usan el asistente y la página de ayuda)"),
    ("Save article", "Guardar artículo"),
    ("Delete article", "Eliminar artículo"),
    ("Model saved.", "Modelo guardado."),
    ("This channel's model: address of an OpenAI-compatible endpoint, up to /v1 (empty: the installation's)", "Modelo de este canal: dirección de un endpoint compatible con OpenAI, hasta /v1 (vacío: el de la instalación)"),
    ("Model", "Modelo"),
    ("API key (kept secret; leave empty to keep the saved one)", "Clave de API (se guarda en secreto; déjela vacía para conservar la guardada)"),
    ("A key is saved.", "Hay una clave guardada."),
    ("Save the model", "Guardar el modelo"),
];

/// Portuguese.
const PT: &[(&str, &str)] = &[
    ("Loading…", "Carregando…"),
    ("Conversations", "Conversas"),
    ("Leads and tickets", "Leads e tickets"),
    ("Ratings", "Avaliações"),
    ("Dashboard", "Painel"),
    ("Channels", "Canais"),
    ("Chatbots", "Chatbots"),
    ("Console", "Console"),
    ("Sign out", "Sair"),
    ("Sign out everywhere", "Sair em todos os lugares"),
    ("Language", "Idioma"),
    ("Charla console", "Console do Charla"),
    ("E-mail", "E-mail"),
    ("Password", "Senha"),
    ("Sign in", "Entrar"),
    ("Connecting…", "Conectando…"),
    (
        "Connection lost. Reconnecting… Your replies will be sent.",
        "A conexão caiu. Reconectando… Suas respostas serão enviadas.",
    ),
    (
        "Offline. Your replies will be sent when you are back online.",
        "Sem conexão. Suas respostas serão enviadas quando voltar a estar on-line.",
    ),
    ("Search conversations", "Pesquisar conversas"),
    (
        "Search by name, e-mail, words or ticket number",
        "Pesquisar por nome, e-mail, palavras ou número do ticket",
    ),
    ("Nothing found.", "Nada encontrado."),
    (
        "No conversations yet. They appear here as visitors write.",
        "Ainda não há conversas. Elas aparecem aqui quando os visitantes escrevem.",
    ),
    ("Open conversations", "Conversas abertas"),
    (
        "Pick a conversation to answer it.",
        "Escolha uma conversa para respondê-la.",
    ),
    ("Operators", "Operadores"),
    (
        "Nobody else answers your channels yet.",
        "Ninguém mais atende os seus canais ainda.",
    ),
    ("Message {}", "Escrever para {}"),
    ("Message", "Escrever"),
    ("You: ", "Você: "),
    (
        "Identity verified by the site",
        "Identidade verificada pelo site",
    ),
    ("No messages yet", "Ainda não há mensagens"),
    ("online", "on-line"),
    ("operator", "operador"),
    (
        "Block this visitor? Their chat stops working.",
        "Bloquear este visitante? O chat dele deixará de funcionar.",
    ),
    (
        "The visitor is blocked: their chat no longer opens.",
        "O visitante está bloqueado: o chat dele não abre mais.",
    ),
    (
        "Not connected: the conversation was not ended. Try again in a moment.",
        "Sem conexão: a conversa não foi encerrada. Tente de novo em um momento.",
    ),
    (
        "Delete this conversation for good, with its transcript, notes and rating?",
        "Excluir esta conversa para sempre, com a transcrição, as notas e a avaliação?",
    ),
    ("End conversation", "Encerrar a conversa"),
    ("Ended", "Encerrada"),
    ("Download transcript", "Baixar a transcrição"),
    ("Block visitor", "Bloquear o visitante"),
    ("Delete", "Excluir"),
    ("Close this conversation", "Fechar esta conversa"),
    ("Transcript", "Transcrição"),
    ("You", "Você"),
    ("Sending…", "Enviando…"),
    ("Seen", "Visto"),
    ("Seen by the visitor", "Visto pelo visitante"),
    ("Notes for operators", "Notas para operadores"),
    (
        "Notes · only operators see these",
        "Notas · só os operadores as veem",
    ),
    ("Reply", "Resposta"),
    ("Write a reply…", "Escreva uma resposta…"),
    ("Send", "Enviar"),
    ("Attach a file", "Anexar um arquivo"),
    ("Try again", "Tentar novamente"),
    ("Dismiss", "Dispensar"),
    ("Canned responses", "Respostas prontas"),
    (
        "Private note (type / for commands, @name to tell an operator)",
        "Nota privada (digite / para comandos, @nome para avisar um operador)",
    ),
    ("Sound for new messages", "Som para novas mensagens"),
    ("offline", "off-line"),
    ("{} unread", "{} não lidas"),
    ("{}+ unread", "{}+ não lidas"),
    ("({}) Charla console", "({}) Console do Charla"),
    ("verified ({})", "verificada ({})"),
    ("not verified", "não verificada"),
    ("{} on {}", "{} em {}"),
    ("none", "nenhuma"),
    ("About the visitor", "Sobre o visitante"),
    ("Name", "Nome"),
    ("Identity", "Identidade"),
    ("Country", "País"),
    ("Local time", "Hora local"),
    ("Browser", "Navegador"),
    ("Current page", "Página atual"),
    ("Started on", "Começou em"),
    ("Visits", "Visitas"),
    ("Earlier conversations", "Conversas anteriores"),
    ("Id (a-z, 0-9, -)", "Id (a-z, 0-9, -)"),
    ("Create", "Criar"),
    ("The id {}.", "O id {}."),
    ("New channel", "Novo canal"),
    ("Delete the channel “{}” ({}) with all its conversations, ratings, leads and tickets? This cannot be undone.", "Excluir o canal “{}” ({}) com todas as suas conversas, avaliações, leads e tickets? Isso não pode ser desfeito."),
    ("Saved. Visitors see it on their next page.", "Salvo. Os visitantes verão na próxima página."),
    ("Channel name", "Nome do canal"),
    ("Save", "Salvar"),
    ("Delete channel", "Excluir canal"),
    ("Channel settings", "Configurações do canal"),
    ("Operators who answer this channel", "Operadores que atendem este canal"),
    ("Admins answer every channel.", "Os administradores atendem todos os canais."),
    ("{} picker", "Seletor de {}"),
    ("Sample text, contrast {}:1", "Texto de exemplo, contraste {}:1"),
    ("Type HEX, RGB or HSL", "Digite HEX, RGB ou HSL"),
    ("Colours", "Cores"),
    ("Chat button colour", "Cor do botão de chat"),
    ("Window header colour", "Cor do cabeçalho da janela"),
    ("Reset colours", "Redefinir cores"),
    ("Texts", "Textos"),
    ("Fallback language", "Idioma de reserva"),
    ("Language of the texts below", "Idioma dos textos abaixo"),
    ("Who answers", "Quem responde"),
    ("A chatbot first, then a person", "Primeiro um chatbot, depois uma pessoa"),
    ("Operators only", "Somente operadores"),
    ("A chatbot only", "Somente um chatbot"),
    ("Welcome message", "Mensagem de boas-vindas"),
    ("Text input placeholder", "Texto de exemplo do campo de entrada"),
    ("Button text (notification bubble)", "Texto do botão (balão de notificação)"),
    ("Closing comments (shown when the conversation ends)", "Comentários de encerramento (mostrados quando a conversa termina)"),
    ("An empty text uses the fallback language's, then Charla's own.", "Um texto vazio usa o do idioma de reserva e, se não houver, o do Charla."),
    ("Visitors in {} will see {} for the {}.", "Os visitantes em {} verão {} em: {}."),
    ("welcome message", "mensagem de boas-vindas"),
    ("placeholder", "texto de exemplo"),
    ("button text", "texto do botão"),
    ("closing comments", "comentários de encerramento"),
    ("Publish the ratings page (percentages and faces, never the reasons)", "Publicar a página de avaliações (porcentagens e rostos, nunca os motivos)"),
    ("Preview of the widget", "Pré-visualização do widget"),
    ("Rule {}", "Regra {}"),
    ("Rule {}: live chat button", "Regra {}: botão do chat ao vivo"),
    ("Pages", "Páginas"),
    ("Address or path", "Endereço ou caminho"),
    ("URL regex", "Expressão regular da URL"),
    ("Open automatically timer (seconds)", "Temporizador de abertura automática (segundos)"),
    ("Countries (codes, empty for all)", "Países (códigos, vazio para todos)"),
    ("Chatbot", "Chatbot"),
    ("None", "Nenhum"),
    ("Enabled only if no operator", "Ativado somente se não houver operador"),
    ("Move rule {} up", "Mover a regra {} para cima"),
    ("Move rule {} down", "Mover a regra {} para baixo"),
    ("Delete rule {}", "Excluir a regra {}"),
    ("The first rule whose pages include the page (and whose countries include the visitor's) decides. Without a match the button shows.", "Decide a primeira regra cujas páginas incluem a página (e cujos países incluem o do visitante). Se nenhuma corresponder, o botão aparece."),
    ("Add a rule", "Adicionar uma regra"),
    ("On your site", "No seu site"),
    ("Paste this into your site's pages, inside <head>:", "Cole isto nas páginas do seu site, dentro de <head>:"),
    ("Copy the snippet", "Copiar o trecho"),
    ("Without a site", "Sem site"),
    ("Send this link by e-mail: it opens a chat at once.", "Envie este link por e-mail: ele abre um chat na hora."),
    ("Copy the link", "Copiar o link"),
    ("Public ratings page, once published under Options: ", "Página pública de avaliações, depois de publicada em Opções: "),
    ("Security settings saved.", "Configurações de segurança salvas."),
    ("A new secret is in use; hashes made with the old one fail now.", "Um novo segredo está em uso; hashes feitos com o antigo agora falham."),
    ("Who may use the channel", "Quem pode usar o canal"),
    ("Only signed-in visitors (identity verified with the secret)", "Somente visitantes conectados (identidade verificada com o segredo)"),
    ("Save security settings", "Salvar as configurações de segurança"),
    ("Signed-in visitors", "Visitantes conectados"),
    ("Identity secret: user_hash = HMAC-SHA256(secret, user_id)", "Segredo de identidade: user_hash = HMAC-SHA256(secret, user_id)"),
    ("Copy the secret", "Copiar o segredo"),
    ("Replace the secret", "Substituir o segredo"),
    ("Copied.", "Copiado."),
    ("Options", "Opções"),
    ("Channel rules", "Regras do canal"),
    ("Widget", "Widget"),
    ("Security", "Segurança"),
    ("Show", "Mostrar"),
    ("Show with notification", "Mostrar com notificação"),
    ("Open automatically", "Abrir automaticamente"),
    ("Hide", "Ocultar"),
    ("Every page", "Todas as páginas"),
    ("Pages whose address contains", "Páginas cujo endereço contém"),
    ("Pages whose address starts with", "Páginas cujo endereço começa com"),
    ("The page whose address is exactly", "A página cujo endereço é exatamente"),
    ("Pages matching a regular expression (advanced)", "Páginas que correspondem a uma expressão regular (avançado)"),
    ("New chatbot", "Novo chatbot"),
    ("The id must be 1 to 40 characters of a-z, 0-9 and '-'.", "O id deve ter de 1 a 40 caracteres entre a-z, 0-9 e '-'."),
    ("Saved. New conversations use it at once.", "Salvo. As novas conversas já o usam."),
    ("Delete the chatbot {}? Rules naming it stop using it.", "Excluir o chatbot {}? As regras que o indicam deixarão de usá-lo."),
    ("Chatbot name", "Nome do chatbot"),
    ("Back to editing", "Voltar a editar"),
    ("Test", "Testar"),
    ("New step", "Novo passo"),
    ("Add a step", "Adicionar um passo"),
    ("Step {}", "Passo {}"),
    ("Step type", "Tipo de passo"),
    ("Team", "Equipe"),
    ("Answers of step {}", "Respostas do passo {}"),
    ("Add an answer to step {}", "Adicionar uma resposta ao passo {}"),
    ("Step {} only if these answers were chosen", "Passo {} somente se estas respostas foram escolhidas"),
    ("Move step {} up", "Mover o passo {} para cima"),
    ("Move step {} down", "Mover o passo {} para baixo"),
    ("Delete step {}", "Excluir o passo {}"),
    ("Answer {}", "Resposta {}"),
    ("Answer {} opens (optional)", "A resposta {} abre (opcional)"),
    ("Remove answer {}", "Remover a resposta {}"),
    ("Test of the script", "Teste do roteiro"),
    ("Test: what a visitor sees", "Teste: o que um visitante vê"),
    ("Restart", "Reiniciar"),
    ("Test conversation", "Conversa de teste"),
    ("Visitor", "Visitante"),
    ("Answers", "Respostas"),
    ("Answer as the visitor", "Responda como o visitante"),
    ("Write as a visitor would…", "Escreva como um visitante escreveria…"),
    ("Text", "Texto"),
    ("Question", "Pergunta"),
    ("Phone", "Telefone"),
    ("Free input", "Entrada livre"),
    ("Free input (multi-line)", "Entrada livre (várias linhas)"),
    ("Forward to operator", "Transferir para um operador"),
    ("Create lead", "Criar lead"),
    ("Create ticket", "Criar ticket"),
    ("Test: no operator is asked; the script goes on as when none is available.", "Teste: nenhum operador é chamado; o roteiro continua como quando não há nenhum disponível."),
    ("Test: a lead would be recorded here (nothing is stored).", "Teste: um lead seria registrado aqui (nada é armazenado)."),
    ("Test: a ticket for {} would be recorded here (nothing is stored).", "Teste: um ticket para {} seria registrado aqui (nada é armazenado)."),
    ("Canned responses saved.", "Respostas prontas salvas."),
    ("Operators type : and a shortcut in a reply (or pick from the list that opens); :shortcut and a space puts the text in.", "Os operadores digitam : e um atalho numa resposta (ou escolhem na lista que se abre); :atalho e um espaço inserem o texto."),
    ("This channel's", "As deste canal"),
    ("Every channel's", "As de todos os canais"),
    ("Save canned responses", "Salvar as respostas prontas"),
    ("Shortcut", "Atalho"),
    ("Remove", "Remover"),
    ("Add a canned response", "Adicionar uma resposta pronta"),
    ("No operator", "Sem operador"),
    ("{}% satisfied", "{}% satisfeitos"),
    ("Channel", "Canal"),
    ("Period", "Período"),
    ("Operator", "Operador"),
    ("Every operator", "Todos os operadores"),
    ("Rating", "Avaliação"),
    ("Every rating", "Todas as avaliações"),
    ("Export as CSV", "Exportar como CSV"),
    ("Shares", "Proporções"),
    ("By operator", "Por operador"),
    ("Total", "Total"),
    ("Satisfied, by operator", "Satisfeitos, por operador"),
    ("When", "Quando"),
    ("Reason", "Motivo"),
    ("Visible internally only", "Visível somente internamente"),
    ("Conversation", "Conversa"),
    ("Rating {} visible internally only", "Avaliação {} visível somente internamente"),
    ("Read", "Ler"),
    ("No ratings in this period.", "Não há avaliações neste período."),
    ("Conversation with {}", "Conversa com {}"),
    ("Last 7 days", "Últimos 7 dias"),
    ("Last 30 days", "Últimos 30 dias"),
    ("Last 90 days", "Últimos 90 dias"),
    ("All time", "Todo o período"),
    ("Satisfied", "Satisfeito"),
    ("Neutral", "Neutro"),
    ("Dissatisfied", "Insatisfeito"),
    ("Today", "Hoje"),
    ("Conversations today", "Conversas de hoje"),
    ("Waiting now", "Aguardando agora"),
    ("Average first response", "Primeira resposta média"),
    ("Average duration", "Duração média"),
    ("Satisfaction", "Satisfação"),
    ("Conversations per day", "Conversas por dia"),
    ("Day", "Dia"),
    ("Average first response per day", "Primeira resposta média por dia"),
    ("Satisfied per day", "Satisfeitos por dia"),
    ("Leads", "Leads"),
    ("Tickets", "Tickets"),
    ("Search by number, name or e-mail", "Buscar por número, nome ou e-mail"),
    ("Nothing yet.", "Ainda não há nada."),
    ("Lead", "Lead"),
    ("Ticket", "Ticket"),
    ("Source", "Origem"),
    ("Created", "Criado"),
    ("{}: highest {} ({}); last {} ({}).", "{}: máximo {} ({}); último {} ({})."),
    ("{}: no data yet.", "{}: ainda não há dados."),
    ("{} as a table", "{} como tabela"),
    ("Rule {}: the URL regex is not valid: {}", "Regra {}: a expressão regular da URL não é válida: {}"),
    ("Sites allowed to use this channel (one origin per line, empty for any)", "Sites que podem usar este canal (uma origem por linha, vazio para qualquer um)"),
    ("Office hours", "Horário de atendimento"),
    ("Out of hours message", "Mensagem fora do horário"),
    ("Offline message prompt (above the form)", "Convite para deixar uma mensagem (acima do formulário)"),
    ("out of hours message", "mensagem fora do horário"),
    ("offline message prompt", "convite para deixar uma mensagem"),
    ("Answer only in office hours (outside them, visitors see the out of hours message)", "Atender somente no horário de atendimento (fora dele, os visitantes veem a mensagem fora do horário)"),
    ("Time zone (IANA name)", "Fuso horário (nome IANA)"),
    ("Each day: opening spans separated by commas; empty is closed. A span may end after midnight (22:00-02:00).", "Cada dia: faixas de abertura separadas por vírgulas; vazio é fechado. Uma faixa pode terminar depois da meia-noite (22:00-02:00)."),
    ("Exceptions, one per line: a date, then its spans (none: closed all day)", "Exceções, uma por linha: uma data e suas faixas (nenhuma: fechado o dia todo)"),
    ("Offline messages", "Mensagens fora do horário"),
    ("Outside office hours, visitors may leave a message with their e-mail address", "Fora do horário de atendimento, os visitantes podem deixar uma mensagem com seu e-mail"),
    ("Monday", "Segunda-feira"),
    ("Tuesday", "Terça-feira"),
    ("Wednesday", "Quarta-feira"),
    ("Thursday", "Quinta-feira"),
    ("Friday", "Sexta-feira"),
    ("Saturday", "Sábado"),
    ("Sunday", "Domingo"),
    ("unread", "não lida"),
    ("Written on {}", "Escrita em {}"),
    ("Mark as unread", "Marcar como não lida"),
    ("Mark as read", "Marcar como lida"),
    ("Actions", "Ações"),
    ("The two new passwords differ.", "As duas senhas novas são diferentes."),
    ("Current password", "Senha atual"),
    ("New password", "Nova senha"),
    ("The new password again", "A nova senha de novo"),
    ("At least {} characters.", "Pelo menos {} caracteres."),
    ("Save the password", "Salvar a senha"),
    ("Remove the account of {} ({})? Its conversations keep its messages.", "Remover a conta de {} ({})? As conversas dela mantêm as mensagens."),
    ("{} was removed.", "{} foi removida."),
    ("Chat name", "Nome no chat"),
    ("Role", "Função"),
    ("Edit {}", "Editar {}"),
    ("Remove {}", "Remover {}"),
    ("{} can sign in now; they choose their own password first.", "{} já pode entrar; primeiro escolherá a própria senha."),
    ("{} is saved.", "{} está salvo."),
    ("New operator", "Novo operador"),
    ("Chat name (what visitors see; empty: the name)", "Nome no chat (o que os visitantes veem; vazio: o nome)"),
    ("Initial password (they choose their own at their first sign-in)", "Senha inicial (a pessoa escolhe a própria no primeiro acesso)"),
    ("New initial password (empty: keep theirs)", "Nova senha inicial (vazio: manter a atual)"),
    ("Create the account", "Criar a conta"),
    ("Cancel", "Cancelar"),
    ("Admin", "Administrador"),
    ("Choose your own password before you start: the one you were given works only for this.", "Escolha a sua própria senha antes de começar: a que você recebeu serve só para isto."),
    ("Change password", "Alterar a senha"),
    ("Your new password is saved; your other sessions ended.", "Sua nova senha está salva; suas outras sessões foram encerradas."),
    ("Accounts", "Contas"),
    ("Operator accounts", "Contas de operadores"),
    ("1 conversation is waiting.", "1 conversa está aguardando."),
    ("Nobody is waiting.", "Ninguém está aguardando."),
    ("{} conversations are waiting.", "{} conversas estão aguardando."),
    ("Taking conversations in {}", "Atendendo conversas em {}"),
    ("Waiting for an operator since {}", "Aguardando um atendente desde {}"),
    ("You hold this conversation.", "Você está atendendo esta conversa."),
    ("{} holds this conversation.", "{} está atendendo esta conversa."),
    ("Nobody else is online to take it.", "Não há mais ninguém online para atendê-la."),
    ("Take", "Atender"),
    ("Put back in the queue", "Devolver à fila"),
    ("Transfer", "Transferir"),
    ("To", "Para"),
    ("Note for them", "Nota para essa pessoa"),
    ("Supervision", "Supervisão"),
    ("Now and today", "Agora e hoje"),
    ("In progress", "Em andamento"),
    ("Taken within {} today", "Atendidas em até {} hoje"),
    ("Average wait today", "Espera média hoje"),
    ("Longest wait today", "Maior espera hoje"),
    ("Operators online", "Atendentes online"),
    ("Taking conversations", "Atendendo conversas"),
    ("Conversations held", "Conversas em atendimento"),
    ("yes", "sim"),
    ("away", "ausente"),
    ("Waiting", "Aguardando"),
    ("Mine", "Minhas"),
    ("With other operators", "Com outros atendentes"),
    ("Other conversations", "Outras conversas"),
    ("Unavailable message (when the queue is full)", "Mensagem de indisponível (quando a fila está cheia)"),
    ("Agent automatic message (sent as the operator who takes the conversation)", "Mensagem automática do agente (enviada como o atendente que assume a conversa)"),
    ("Routing", "Roteamento"),
    ("Strategy", "Estratégia"),
    ("Manual: operators take conversations from the queue", "Manual: os atendentes pegam as conversas da fila"),
    ("Round robin: each operator in turn", "Rodízio: cada atendente na sua vez"),
    ("Least busy: the operator with the fewest conversations", "Menos ocupado: o atendente com menos conversas"),
    ("Most conversations per operator at once", "Máximo de conversas simultâneas por atendente"),
    ("Most conversations waiting (0: no limit)", "Máximo de conversas em espera (0: sem limite)"),
    ("Service level (seconds)", "Nível de serviço (segundos)"),
    ("Inactivity limit (minutes)", "Limite de inatividade (minutos)"),
    ("Avatar colour (visitors see the initials on it; empty: none)", "Cor do avatar (os visitantes veem as iniciais sobre ela; vazio: nenhuma)"),
    ("{} waiting", "{} aguardando"),
    ("Assistant", "Assistente"),
    ("AI assistant", "Assistente de IA"),
    ("Who answers first", "Quem responde primeiro"),
    ("Operators only: the assistant does not answer", "Só operadores: o assistente não responde"),
    ("The assistant first, then a person", "Primeiro o assistente, depois uma pessoa"),
    ("The assistant only", "Só o assistente"),
    ("Name on its messages", "Nome nas suas mensagens"),
    ("When a person is needed", "Quando é preciso uma pessoa"),
    ("Offer a person (a visitor who asks gets one at once)", "Oferecer uma pessoa (quem pede tem na hora)"),
    ("Hand the conversation over at once", "Passar a conversa na hora"),
    ("Knowledge base", "Base de conhecimento"),
    ("{} articles", "{} artigos"),
    ("{} articles saved.", "{} artigos guardados."),
    ("Import Markdown files named slug.lang.md whose first line is # Title", "Importar ficheiros Markdown chamados slug.idioma.md cuja primeira linha é # Título"),
    ("Help page: ", "Página de ajuda: "),
    ("Hand to the AI assistant", "Passar para o assistente de IA"),
    ("Test: the AI assistant answers from here on, from the channel's knowledge base.", "Teste: a partir daqui responde o assistente de IA, com a base de conhecimento do canal."),
    ("Write answers with the language model (where the installation sets AI_BASE_URL and AI_MODEL); the article's passage is quoted when it fails", "Redigir as respostas com o modelo de linguagem (onde a instalação define AI_BASE_URL e AI_MODEL); se falhar, cita-se o trecho do artigo"),
    ("Slug", "Identificador"),
    ("Article saved.", "Artigo salvo."),
    ("Article deleted.", "Artigo excluído."),
    ("Title", "Título"),
    ("Published", "Publicado"),
    ("Yes", "Sim"),
    ("No", "Não"),
    ("Edit", "Editar"),
    ("New article", "Novo artigo"),
    ("Body (Markdown)", "Corpo (Markdown)"),
    ("Tags, separated by commas", "Etiquetas, separadas por vírgulas"),
    ("Published (the assistant and the help page use it)", "Publicado (o assistente e a página de ajuda o usam)"),
    ("Save article", "Salvar artigo"),
    ("Delete article", "Excluir artigo"),
    ("Model saved.", "Modelo salvo."),
    ("This channel's model: address of an OpenAI-compatible endpoint, up to /v1 (empty: the installation's)", "Modelo deste canal: endereço de um endpoint compatível com OpenAI, até /v1 (vazio: o da instalação)"),
    ("Model", "Modelo"),
    ("API key (kept secret; leave empty to keep the saved one)", "Chave de API (mantida em segredo; deixe vazia para manter a salva)"),
    ("A key is saved.", "Há uma chave salva."),
    ("Save the model", "Salvar o modelo"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every English sentence the console's sources pass to `tr` or `trf`.
    fn sentences() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let mut source = std::fs::read_to_string(&path).unwrap();
            // Here, only what comes before the tables.
            if path.file_name().is_some_and(|n| n == "words.rs") {
                source.truncate(source.find("/// Spanish.").unwrap());
            }
            for call in ["tr(", "trf("] {
                for (at, _) in source.match_indices(call) {
                    let before = source[..at].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = source[at + call.len()..].trim_start();
                    if let Some(text) = rest.strip_prefix('"') {
                        found.push(text[..text.find('"').unwrap()].to_owned());
                    }
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }

    #[test]
    fn every_sentence_has_both_translations_and_every_translation_is_used() {
        let used = sentences();
        assert!(used.len() > 40, "the sources are read: {used:?}");
        for (name, table) in [("Spanish", ES), ("Portuguese", PT)] {
            for sentence in &used {
                assert!(
                    table.iter().any(|(key, _)| key == sentence),
                    "no {name} for {sentence:?}"
                );
            }
            for (key, said) in table {
                assert!(
                    used.iter().any(|s| s == key),
                    "{name} {said:?} translates {key:?}, which nothing says"
                );
                assert_eq!(
                    key.matches("{}").count(),
                    said.matches("{}").count(),
                    "{name} for {key:?} fills as many places"
                );
            }
        }
    }

    #[test]
    fn no_text_in_the_markup_skips_the_tables() {
        // Words written straight into a view, or into a label, title or
        // accessible name, would show in English whatever the operator
        // chose. The brand's name is the one exception.
        let attributes = ["label=\"", "title=\"", "you=\"", "sending=\"", "heading=\""];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            for (n, line) in source.lines().enumerate() {
                let starts = line.match_indices(">\"").map(|(at, _)| at + 2).chain(
                    attributes
                        .iter()
                        .flat_map(|a| line.match_indices(a).map(|(at, _)| at + a.len())),
                );
                for at in starts {
                    let text = &line[at..];
                    let mut letters = text.chars();
                    let worded = letters.next().is_some_and(char::is_uppercase)
                        && letters.next().is_some_and(char::is_lowercase);
                    assert!(
                        !worded || text.starts_with("Charla\""),
                        "{}:{}: words outside tr: {line}",
                        path.display(),
                        n + 1
                    );
                }
            }
        }
    }

    #[test]
    fn sentences_come_in_the_chosen_language_with_their_blanks_filled() {
        assert_eq!(in_language(Language::Es, "Sign out"), "Cerrar sesión");
        assert_eq!(in_language(Language::Pt, "Sign out"), "Sair");
        assert_eq!(in_language(Language::En, "Sign out"), "Sign out");
        assert_eq!(fill("Message {}", &["Ana"]), "Message Ana");
        assert_eq!(
            fill(in_language(Language::Es, "Message {}"), &["Luis"]),
            "Escribir a Luis"
        );
        assert_eq!(fill("{} and {}", &["a"]), "a and ");
    }
}
